import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

type Operation = {
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: unknown[];
};

/** [method, path, has a JSON body, the statuses documented] */
const ROUTES: Array<[string, string, boolean, string[]]> = [
  ['post', '/auth/register', true, ['200', '400', '422', '429']],
  ['post', '/auth/login', true, ['200', '401', '429']],
  ['post', '/auth/refresh', true, ['200', '400', '429']],
  ['post', '/auth/confirm', true, ['204', '400']],
  ['post', '/auth/password/request', true, ['204', '429']],
  ['post', '/auth/password/confirm', true, ['200', '400']],
  ['post', '/auth/password/reset', true, ['204', '400', '422']],
  ['post', '/api/signout', true, ['204', '400']],
  ['post', '/api/signout_all', false, ['204', '401']],
  ['post', '/api/token/email_confirm', false, ['204', '400', '401']],
  ['post', '/api/token/email_change', false, ['204', '401']],
  ['patch', '/api/password', true, ['204', '401', '422']],
  ['patch', '/api/email', true, ['204', '400', '401', '422']],
  ['patch', '/api/profile', true, ['200', '401', '422']],
  ['post', '/api/recents', true, ['200', '400', '401']],
  ['get', '/api/users', false, ['200', '400', '401']],
  ['get', '/api/messages', false, ['200', '400', '401', '404']],
];

describe('OpenAPI document: chat accounts', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    t = await startTestApp();
    paths = (await request(t.url).get('/docs/openapi.json').expect(200)).body.paths;
  });
  afterAll(() => t.close());

  it.each(ROUTES)(
    'documents %s %s with its body and responses',
    (method, path, hasBody, statuses) => {
      const operation = paths[path]?.[method];
      expect(operation).toBeDefined();
      if (hasBody) expect(operation.requestBody).toBeDefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(statuses));
      if (path.startsWith('/api/') && path !== '/api/signout')
        expect(operation.security).toBeDefined();
    },
  );
});
