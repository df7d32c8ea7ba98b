import request from 'supertest';
import { MAX_JSON_DEPTH } from '../src/common/json/json-limits.js';
import { JSON_API } from './support/json-api-errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids and log lines for requests refused while their body is read', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  /** The one "request completed" line of the request with this id. */
  function requestLine(requestId: string) {
    const lines = t.logs.filter((l) => l.msg === 'request completed' && l.requestId === requestId);
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  const post = (path: string, type: string, body: string | Buffer) =>
    request(t.url).post(path).set('Content-Type', type).send(body);

  it.each([
    ['malformed JSON', '/auth/login', 'application/json', '{"email":', 400],
    ['too deep JSON', '/auth/login', 'application/json', '['.repeat(MAX_JSON_DEPTH + 1), 400],
    ['a body over the limit', '/auth/login', 'application/json', `"${'x'.repeat(200_000)}"`, 413],
    ['malformed JSON:API', '/api/json/accounts/users', JSON_API, '{"data":', 400],
  ])('%s: X-Request-Id and a warn line with that id', async (_name, path, type, body, status) => {
    const res = await post(path, type, body).expect(status);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(requestLine(id)).toMatchObject({
      level: 40,
      req: { method: 'POST', url: path },
      res: { statusCode: status },
    });
  });

  it("keeps the caller's X-Request-Id on a malformed body", async () => {
    const res = await post('/auth/login', 'application/json', '{')
      .set('X-Request-Id', 'trace-bad-body-1')
      .expect(400);
    expect(res.headers['x-request-id']).toBe('trace-bad-body-1');
    expect(res.body).toEqual({ errors: { detail: 'Malformed JSON in request body' } });
    expect(requestLine('trace-bad-body-1')).toMatchObject({ res: { statusCode: 400 } });
  });

  it('never logs the refused body', async () => {
    await post('/auth/login', 'application/json', '{"password":"body-secret-1"').expect(400);
    expect(t.logText()).not.toContain('body-secret-1');
  });
});
