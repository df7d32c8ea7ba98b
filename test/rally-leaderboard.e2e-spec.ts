import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_TOKEN = 'leaderboard-api-token-0123456789';
const ADMIN_TOKEN = 'leaderboard-admin-token-0123456789';
const JSON_API = 'application/vnd.api+json';
const BOARD = '/api/json/leaderboard';
const CLIENT = {
  Accept: JSON_API,
  'Content-Type': JSON_API,
  Authorization: `Bearer ${API_TOKEN}`,
};
const ALLOWED_ORIGIN = 'https://holoquest.example';

interface Entry {
  nickname: string | null;
  stamps_collected: number;
}

describe('stamp-rally leaderboard: GET /api/json/leaderboard', () => {
  let t: TestApp;
  let db: pg.Client;
  const ids: string[] = [];

  /** The ranked players, inserted in an order unrelated to the ranking. */
  const RANKED: Entry[] = [
    { nickname: 'Mori', stamps_collected: 9 },
    { nickname: 'Ame', stamps_collected: 10 },
    { nickname: null, stamps_collected: 9 },
    { nickname: 'Kiara', stamps_collected: 9 },
    { nickname: 'Ina', stamps_collected: 12 },
  ];
  const EXPECTED_TOP: Entry[] = [
    { nickname: 'Ina', stamps_collected: 12 },
    { nickname: 'Ame', stamps_collected: 10 },
    { nickname: 'Kiara', stamps_collected: 9 },
    { nickname: 'Mori', stamps_collected: 9 },
  ];
  /** Named players ranked (a nameless one is left out, the client would hide it). */
  const NAMED = RANKED.filter((entry) => entry.nickname !== null).length;
  const BULK = 120;

  beforeAll(async () => {
    t = await startTestApp({
      HOLOQUEST_API_TOKEN: API_TOKEN,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://other.example`,
    });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    for (const entry of RANKED) {
      const created = await request(t.url)
        .post('/api/json/accounts/users')
        .set(CLIENT)
        .send({ data: { type: 'user', attributes: { nickname: entry.nickname ?? '' } } })
        .expect(201);
      const id = (created.body as { data: { id: string } }).data.id;
      ids.push(id);
      await request(t.url)
        .patch(`/api/json/accounts/users/${id}`)
        .set(CLIENT)
        .send({ data: { type: 'user', attributes: { stamps_collected: entry.stamps_collected } } })
        .expect(200);
    }
    // Players with fewer stamps, to exceed the default limit.
    await db.query(
      `INSERT INTO rally_players (nickname, stamps_collected)
       SELECT 'Bulk_' || lpad(n::text, 3, '0'), n % 5 FROM generate_series(1, $1) AS n`,
      [BULK],
    );
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const board = (query = '', headers: Record<string, string> = CLIENT) =>
    request(t.url).get(`${BOARD}${query}`).set(headers);

  it('ranks named players by stamps (most first), then nickname; players without one are left out', async () => {
    const res = await board().expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const data = (res.body as { data: Entry[] }).data;
    expect(data.slice(0, EXPECTED_TOP.length)).toEqual(EXPECTED_TOP);
    const { rows } = await db.query<Entry>(
      `SELECT nickname, stamps_collected::int AS stamps_collected FROM rally_players
        WHERE nickname IS NOT NULL ORDER BY stamps_collected DESC, nickname ASC`,
    );
    expect(data).toEqual(rows);
  });

  it('contains no ids: only nickname and stamps_collected', async () => {
    const res = await board('?limit=1000').expect(200);
    const data = (res.body as { data: Entry[] }).data;
    expect(Object.keys(res.body as object)).toEqual(['data']);
    for (const entry of data)
      expect(Object.keys(entry).sort()).toEqual(['nickname', 'stamps_collected']);
    for (const id of ids) expect(res.text).not.toContain(id);
  });

  it('returns every named player (up to 1000) by default and honours ?limit up to 1000', async () => {
    expect((await board().expect(200)).body.data).toHaveLength(NAMED + BULK);
    expect((await board('?limit=100').expect(200)).body.data).toHaveLength(100);
    expect((await board('?limit=3').expect(200)).body.data).toEqual(EXPECTED_TOP.slice(0, 3));
    expect((await board('?limit=1').expect(200)).body.data).toEqual(EXPECTED_TOP.slice(0, 1));
    expect((await board('?limit=1000').expect(200)).body.data).toHaveLength(NAMED + BULK);
  });

  it('rejects a bad limit with a JSON:API error naming the parameter', async () => {
    for (const query of [
      '?limit=0',
      '?limit=1001',
      '?limit=abc',
      '?limit=-1',
      '?limit=',
      '?limit=2&limit=3',
      '?limit=1.5',
    ]) {
      const res = await board(query).expect(400);
      expect(res.headers['content-type']).toBe(JSON_API);
      expect(res.body).toEqual({
        errors: [
          {
            id: expect.any(String),
            status: '400',
            code: 'InvalidQuery',
            title: 'Invalid Query',
            detail: 'limit must be an integer from 1 to 1000',
            source: { parameter: 'limit' },
          },
        ],
        jsonapi: { version: '1.1' },
      });
    }
  });

  it('answers writes with 405 (a JSON:API error document), never 500', async () => {
    const id = randomUUID();
    const attempts = [
      ['post', BOARD, 'GET, HEAD'],
      ['patch', BOARD, 'GET, HEAD'],
      ['put', BOARD, 'GET, HEAD'],
      ['delete', BOARD, 'GET, HEAD'],
      ['post', `${BOARD}/${id}`, ''],
      ['patch', `${BOARD}/${id}`, ''],
      ['put', `${BOARD}/${id}`, ''],
      ['delete', `${BOARD}/${id}`, ''],
      ['patch', '/api/json/notifications', 'POST'],
    ] as const;
    for (const [method, path, allow] of attempts) {
      const headers = path.endsWith('notifications')
        ? { ...CLIENT, Authorization: `Bearer ${ADMIN_TOKEN}` }
        : CLIENT;
      const res = await request(t.url)[method](path).set(headers).send({ data: [] }).expect(405);
      expect(res.headers['content-type']).toBe(JSON_API);
      expect(res.headers.allow).toBe(allow);
      expect(res.body.errors).toEqual([
        {
          id: expect.any(String),
          status: '405',
          code: 'method_not_allowed',
          title: 'Method Not Allowed',
          detail: `${method.toUpperCase()} is not allowed on this route`,
        },
      ]);
    }
    const entry = await request(t.url).get(`${BOARD}/${id}`).set(CLIENT).expect(404);
    expect(entry.body.errors[0].code).toBe('not_found');
  });

  it('requires the bearer (the admin token works too)', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-0123456789',
      `Basic ${API_TOKEN}`,
    ]) {
      const headers: Record<string, string> = { Accept: JSON_API };
      if (authorization) headers.Authorization = authorization;
      const res = await board('', headers).expect(401);
      expect(res.headers['content-type']).toBe(JSON_API);
      expect(res.body.errors[0]).toMatchObject({ status: '401', code: 'unauthorized' });
      await request(t.url).post(BOARD).set(headers).expect(401);
    }
    await board('', { Authorization: `Bearer ${ADMIN_TOKEN}` }).expect(200);
    await board('', { Authorization: `Bearer ${API_TOKEN}` }).expect(200);
  });

  it('echoes an allowed CORS origin only', async () => {
    const allowed = await board('', { ...CLIENT, Origin: ALLOWED_ORIGIN }).expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.vary).toMatch(/Origin/);
    const denied = await board('', { ...CLIENT, Origin: 'https://evil.example' }).expect(200);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(t.url)
      .options(BOARD)
      .set({ Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'GET' })
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const unauthenticated = await request(t.url)
      .get(BOARD)
      .set('Origin', ALLOWED_ORIGIN)
      .expect(401);
    expect(unauthenticated.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  });

  it('POST /api/json/notifications: 202, and JSON:API errors for bad bodies and tokens', async () => {
    const admin = { ...CLIENT, Authorization: `Bearer ${ADMIN_TOKEN}` };
    const send = (body: unknown) =>
      request(t.url)
        .post('/api/json/notifications')
        .set(admin)
        .send(body as object);
    expect((await send({ user_id: ids[0], message: 'Hello' }).expect(202)).body).toEqual({
      delivered: 0,
    });
    const cases: Array<[unknown, string[]]> = [
      [{ user_id: 'nope', message: 'x' }, ['/user_id']],
      [{ user_id: ids[0], message: '' }, ['/message']],
      [{ user_id: ids[0], message: 'x'.repeat(1001) }, ['/message']],
      [{ user_id: ids[0], message: 5 }, ['/message']],
      [{ user_id: ids[0], message: 'nul\u0000' }, ['/message']],
      [{ user_id: ids[0], message: 'lone \ud800' }, ['/message']],
      [{ message: 'x' }, ['/user_id']],
      [{ user_id: ids[0], message: 'x', extra: true }, ['/extra']],
      [[1], ['']],
    ];
    for (const [body, pointers] of cases) {
      const res = await send(body).expect(400);
      expect(res.headers['content-type']).toBe(JSON_API);
      const errors = res.body.errors as Array<{ code: string; source: { pointer: string } }>;
      expect(errors.map((e) => e.source.pointer)).toEqual(pointers);
      for (const error of errors) expect(error.code).toBe('InvalidBody');
    }
    await send({ user_id: ids[0], message: 'x'.repeat(1000) }).expect(202);
    await request(t.url)
      .post('/api/json/notifications')
      .set(CLIENT)
      .send({ user_id: ids[0], message: 'x' })
      .expect(403);
    await request(t.url)
      .post('/api/json/notifications')
      .set({ Accept: JSON_API })
      .send({ user_id: ids[0], message: 'x' })
      .expect(401);
  });
});
