import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { JSON_API, jsonApiErrors } from './support/json-api-errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_TOKEN = 'error-documents-api-token-0123456789';
const USERS = '/api/json/accounts/users';
const CLIENT = {
  Accept: JSON_API,
  'Content-Type': JSON_API,
  Authorization: `Bearer ${API_TOKEN}`,
};

// The only app of the file: nestjs-pino's root logger belongs to it, so its logs hold the errors.
describe('stamp-rally error documents: 413 and 500', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLOQUEST_API_TOKEN: API_TOKEN });
    // A real fault: the players' table is gone from this test's own database.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    await db.query('DROP TABLE rally_players CASCADE');
    await db.end();
  });
  afterAll(() => t.close());

  it('answers a body over 100 kB with the JSON:API 413 document', async () => {
    const res = await request(t.url)
      .post(USERS)
      .set(CLIENT)
      .send({ data: { type: 'user', attributes: { nickname: 'x'.repeat(101 * 1024) } } })
      .expect(413);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(jsonApiErrors(res)).toEqual([
      {
        status: '413',
        code: 'payload_too_large',
        title: 'Payload Too Large',
        detail: 'Request body too large',
      },
    ]);
  });

  it('answers an unexpected error with the JSON:API 500 document, logged, without its trace', async () => {
    const requestIds: unknown[] = [];
    for (const path of [`${USERS}/${randomUUID()}`, '/api/json/leaderboard']) {
      const res = await request(t.url).get(path).set(CLIENT).expect(500);
      requestIds.push(res.headers['x-request-id']);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(jsonApiErrors(res)).toEqual([
        {
          status: '500',
          code: 'internal_server_error',
          title: 'Internal Server Error',
          detail: 'Internal Server Error',
        },
      ]);
      expect(res.text).not.toMatch(/rally_players|QueryFailed|\bat \S+:\d+/);
    }
    const logged = t.logs.filter(
      (line) => line.level === 50 && line.context === 'JsonApi' && typeof line.msg === 'string',
    );
    expect(logged.map((line) => line.requestId)).toEqual(requestIds);
    for (const line of logged)
      expect(line.msg).toMatch(/^QueryFailedError: relation "rally_players" does not exist\n/);
  });
});
