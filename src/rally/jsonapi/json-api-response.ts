import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { RallyProblem } from '../rally-error.js';
import { JSON_API_MEDIA_TYPE } from './media-types.js';

/** Every JSON:API document this server writes says so. */
export const JSON_API_OBJECT = { version: '1.1' } as const;

export interface JsonApiErrorObject {
  id: string;
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
}

export interface JsonApiErrorDocument {
  errors: JsonApiErrorObject[];
  jsonapi: typeof JSON_API_OBJECT;
}

/** The error document for problems: `status` as a string, `source` only when known. */
export function errorDocument(problems: RallyProblem[]): JsonApiErrorDocument {
  return {
    errors: problems.map((p) => {
      const error: JsonApiErrorObject = {
        id: randomUUID(),
        status: String(p.status),
        code: p.code,
        title: p.title,
        detail: p.detail,
      };
      if (p.pointer !== undefined) error.source = { pointer: p.pointer };
      else if (p.parameter !== undefined) error.source = { parameter: p.parameter };
      return error;
    }),
    jsonapi: JSON_API_OBJECT,
  };
}

/**
 * Writes a JSON:API document with `Content-Type: application/vnd.api+json` and no charset
 * parameter (JSON:API forbids others than ext/profile; Express adds one to string bodies).
 */
export function sendJsonApi(res: Response, status: number, document: object): void {
  res
    .status(status)
    .set('Content-Type', JSON_API_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(document), 'utf8'));
}

/** Writes the error document for problems with the given HTTP status. */
export function sendProblems(res: Response, status: number, problems: RallyProblem[]): void {
  sendJsonApi(res, status, errorDocument(problems));
}
