import type request from 'supertest';
import type { JsonApiErrorObject } from '../../src/rally/jsonapi/json-api-response.js';

export type { JsonApiErrorObject };

export const JSON_API = 'application/vnd.api+json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The error objects of a JSON:API error document, without their random ids, after checking the
 * document: its media type, `{errors, jsonapi}` and nothing else, each error's UUID and status.
 */
export function jsonApiErrors(res: request.Response): Array<Omit<JsonApiErrorObject, 'id'>> {
  expect(res.headers['content-type']).toBe(JSON_API);
  expect(Object.keys(res.body as object).sort()).toEqual(['errors', 'jsonapi']);
  const body = res.body as { errors: JsonApiErrorObject[]; jsonapi: unknown };
  expect(body.jsonapi).toEqual({ version: '1.1' });
  return body.errors.map(({ id, ...rest }) => {
    expect(id).toMatch(UUID);
    expect(rest.status).toBe(String(res.status));
    expect(typeof rest.title).toBe('string');
    expect(typeof rest.detail).toBe('string');
    return rest;
  });
}
