import type { SchemaObject } from '@nestjs/swagger';

/** OpenAPI schemas of the stamp-rally documents (they are not DTO classes). */

const JSONAPI_OBJECT: SchemaObject = {
  type: 'object',
  properties: { version: { type: 'string', example: '1.1' } },
};

export const ERROR_DOCUMENT: SchemaObject = {
  type: 'object',
  required: ['errors', 'jsonapi'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'status', 'code', 'title', 'detail'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          status: { type: 'string', example: '400' },
          code: { type: 'string', example: 'invalid_attribute' },
          title: { type: 'string', example: 'Invalid attribute' },
          detail: { type: 'string', example: 'Nickname contains profanity' },
          source: {
            type: 'object',
            properties: {
              pointer: { type: 'string', example: '/data/attributes/nickname' },
              parameter: { type: 'string', example: 'sort' },
            },
          },
        },
      },
    },
    jsonapi: JSONAPI_OBJECT,
  },
};

const ATTRIBUTES: SchemaObject = {
  type: 'object',
  properties: {
    nickname: {
      type: 'string',
      nullable: true,
      minLength: 3,
      maxLength: 20,
      description: 'Trimmed; empty → null; profanity rejected',
    },
    stamps_collected: {
      oneOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: '^\\d+$' },
      ],
      description: 'A non-negative integer (a string of digits is cast)',
    },
  },
};

const RESOURCE: SchemaObject = {
  type: 'object',
  required: ['id', 'type', 'attributes', 'links'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: ['user'] },
    attributes: {
      type: 'object',
      properties: {
        nickname: { type: 'string', nullable: true, example: 'Cruel_KFP' },
        stamps_collected: { type: 'integer', example: 3 },
      },
    },
    links: {
      type: 'object',
      properties: {
        self: {
          type: 'string',
          example:
            'https://api.example/api/json/accounts/users/681adb8b-be3d-4fca-8858-2827609d9b22',
        },
      },
    },
  },
};

const LINKS: SchemaObject = {
  type: 'object',
  properties: {
    self: { type: 'string' },
    first: { type: 'string' },
    last: { type: 'string' },
    prev: { type: 'string' },
    next: { type: 'string' },
  },
};

export const USER_DOCUMENT: SchemaObject = {
  type: 'object',
  properties: { data: RESOURCE, jsonapi: JSONAPI_OBJECT, links: LINKS },
};

export const USER_INDEX_DOCUMENT: SchemaObject = {
  type: 'object',
  properties: {
    data: { type: 'array', items: RESOURCE },
    jsonapi: JSONAPI_OBJECT,
    links: LINKS,
    meta: { type: 'object', properties: { total: { type: 'integer' } } },
  },
};

/** The create / update request document. */
export function userWriteDocument(withId: boolean): SchemaObject {
  return {
    type: 'object',
    required: ['data'],
    additionalProperties: false,
    properties: {
      data: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: ['user'] },
          ...(withId ? { id: { type: 'string', format: 'uuid' } } : {}),
          attributes: { ...ATTRIBUTES, additionalProperties: false },
        },
      },
    },
    example: { data: { type: 'user', attributes: { nickname: 'Cruel_KFP' } } },
  };
}

export const LEADERBOARD: SchemaObject = {
  type: 'object',
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          nickname: { type: 'string' },
          stamps_collected: { type: 'integer' },
        },
      },
    },
  },
  example: { data: [{ nickname: 'Deadbeat', stamps_collected: 10 }] },
};

export const NOTIFICATION_REQUEST: SchemaObject = {
  type: 'object',
  required: ['user_id', 'message'],
  additionalProperties: false,
  properties: {
    user_id: { type: 'string', format: 'uuid' },
    message: { type: 'string', minLength: 1, maxLength: 1000 },
  },
  example: { user_id: '681adb8b-be3d-4fca-8858-2827609d9b22', message: 'Your prize is ready!' },
};

export const NOTIFICATION_RESULT: SchemaObject = {
  type: 'object',
  properties: { delivered: { type: 'integer', description: 'Sockets reached' } },
  example: { delivered: 2 },
};

/** A response whose body is a JSON:API document. */
export function jsonApiContent(schema: SchemaObject) {
  return { content: { 'application/vnd.api+json': { schema } } };
}

/** An error response: a JSON:API error document. */
export function jsonApiError(description: string) {
  return { description, ...jsonApiContent(ERROR_DOCUMENT) };
}
