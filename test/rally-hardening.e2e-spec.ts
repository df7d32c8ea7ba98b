import pg from 'pg';
import request from 'supertest';
import { JSON_API, jsonApiErrors } from './support/json-api-errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_TOKEN = 'hardening-api-token-0123456789';
const ADMIN_TOKEN = 'hardening-admin-token-0123456789';
const USERS = '/api/json/accounts/users';
const BOARD = '/api/json/leaderboard';
const CLIENT = {
  Accept: JSON_API,
  'Content-Type': JSON_API,
  Authorization: `Bearer ${API_TOKEN}`,
};
const ADMIN = { ...CLIENT, Authorization: `Bearer ${ADMIN_TOKEN}` };
const TOKENS = { HOLOQUEST_API_TOKEN: API_TOKEN, ADMIN_API_TOKEN: ADMIN_TOKEN };

/** Strings PostgreSQL text cannot hold as written: a NUL, and lone surrogates of each kind. */
const UNSTORABLE = ['Ann\u0000ie', '\u0000', 'Ann\ud800ie', 'Annie\udc00'];

const userDoc = (attributes: Record<string, unknown>) => ({ data: { type: 'user', attributes } });
const unstorable = (name: string) => ({
  status: '400',
  code: 'invalid_attribute',
  title: 'Invalid attribute',
  detail: `${name} must not contain U+0000 or unpaired surrogates`,
  source: { pointer: `/data/attributes/${name}` },
});
/** JSON text nested `depth` levels, as the nickname of a create document (3 levels already). */
const deepNicknameDocument = (depth: number) =>
  `{"data":{"type":"user","attributes":{"nickname":${'['.repeat(depth - 3)}${']'.repeat(depth - 3)}}}}`;

describe('stamp-rally hardening', () => {
  let t: TestApp;
  let db: pg.Client;

  beforeAll(async () => {
    t = await startTestApp(TOKENS);
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const playerCount = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM rally_players')).rows[0].n);
  const post = (body: string | object) => request(t.url).post(USERS).set(CLIENT).send(body);

  describe('strings PostgreSQL cannot hold', () => {
    it('refuses them in a create document with 400 invalid_attribute, and creates nothing', async () => {
      const before = await playerCount();
      for (const nickname of UNSTORABLE) {
        const res = await post(userDoc({ nickname })).expect(400);
        expect(jsonApiErrors(res)).toEqual([unstorable('nickname')]);
      }
      expect(await playerCount()).toBe(before);
    });

    it('refuses them in an update document, reports the other problems too, and changes nothing', async () => {
      const created = await post(userDoc({ nickname: 'Kept_Name', stamps_collected: 2 })).expect(
        201,
      );
      const { id } = (created.body as { data: { id: string } }).data;
      for (const nickname of UNSTORABLE) {
        const res = await request(t.url)
          .patch(`${USERS}/${id}`)
          .set(CLIENT)
          .send(userDoc({ nickname, stamps_collected: 3 }))
          .expect(400);
        expect(jsonApiErrors(res)).toEqual([unstorable('nickname')]);
      }
      const mixed = await request(t.url)
        .patch(`${USERS}/${id}`)
        .set(CLIENT)
        .send(userDoc({ nickname: 'Bad\u0000', stamps_collected: -1 }))
        .expect(400);
      expect(jsonApiErrors(mixed).map((e) => [e.code, e.source?.pointer])).toEqual([
        ['invalid_attribute', '/data/attributes/nickname'],
        ['invalid_attribute', '/data/attributes/stamps_collected'],
      ]);
      const { rows } = await db.query(
        'SELECT nickname, stamps_collected::int AS stamps FROM rally_players WHERE id = $1',
        [id],
      );
      expect(rows).toEqual([{ nickname: 'Kept_Name', stamps: 2 }]);
    });

    it('refuses a NUL in the index filter with 400 InvalidQuery naming the parameter', async () => {
      for (const value of ['%00', 'Ann%00ie']) {
        const res = await request(t.url)
          .get(`${USERS}?filter[nickname]=${value}`)
          .set(ADMIN)
          .expect(400);
        expect(jsonApiErrors(res)).toEqual([
          {
            status: '400',
            code: 'InvalidQuery',
            title: 'Invalid Query',
            detail: 'filter[nickname] must not contain U+0000 or unpaired surrogates',
            source: { parameter: 'filter[nickname]' },
          },
        ]);
      }
    });
  });

  describe('JSON nested too deep', () => {
    it('answers JSON nested deeper than 32 levels with the JSON:API 400 document', async () => {
      const before = await playerCount();
      for (const depth of [33, 40_000]) {
        const res = await post(deepNicknameDocument(depth)).expect(400);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(jsonApiErrors(res)).toEqual([
          {
            status: '400',
            code: 'InvalidBody',
            title: 'Invalid Body',
            detail: 'The request body nests deeper than 32 levels',
          },
        ]);
      }
      // 32 levels are parsed: the document itself is then judged (a nickname is not an array).
      const parsed = await post(deepNicknameDocument(32)).expect(400);
      expect(jsonApiErrors(parsed)[0].source).toEqual({ pointer: '/data/attributes/nickname' });
      expect(await playerCount()).toBe(before);
    });
  });

  describe('leaderboard', () => {
    const NAMED = 1005;

    beforeAll(async () => {
      // Players without a nickname at the top, then more named players than the maximum limit.
      await db.query(
        `INSERT INTO rally_players (nickname, stamps_collected)
         SELECT NULL, 100000 + n FROM generate_series(1, 5) AS n
         UNION ALL
         SELECT 'Named_' || lpad(n::text, 4, '0'), 1000 + n FROM generate_series(1, $1) AS n`,
        [NAMED],
      );
    });

    const named = async (limit: number) =>
      (
        await db.query(
          `SELECT nickname, stamps_collected::int AS stamps_collected FROM rally_players
           WHERE nickname IS NOT NULL
           ORDER BY stamps_collected DESC, nickname ASC, id ASC LIMIT $1`,
          [limit],
        )
      ).rows;
    const board = async (query: string) =>
      (await request(t.url).get(`${BOARD}${query}`).set(CLIENT).expect(200)).body as {
        data: Array<{ nickname: string | null }>;
      };

    it('returns every named player up to 1000 by default, leaving out those without a nickname', async () => {
      const { data } = await board('');
      expect(data).toHaveLength(1000);
      expect(data).toEqual(await named(1000));
    });

    it('leaves them out before applying ?limit', async () => {
      expect((await board('?limit=3')).data).toEqual(await named(3));
      expect((await board('?limit=1000')).data).toEqual(await named(1000));
    });
  });
});
