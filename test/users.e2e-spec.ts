import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'Correct-horse-9!';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAGE_SIZE_ERROR = { errors: { page_size: ['must be an integer between 1 and 100'] } };
const PAGE_TOKEN_ERROR = { errors: { page_token: ['is invalid'] } };

interface PublicUser {
  id: string;
  email: string;
  display_name: string;
}

interface NewUser {
  email: string;
  display_name: string;
  /** A timestamptz literal; microseconds are kept. */
  inserted_at: string;
}

describe('chat users: GET /api/users', () => {
  let t: TestApp;
  let db: pg.Client;
  let caller: PublicUser;
  let bearer: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    const res = await request(t.url)
      .post('/auth/register')
      .send({ email: 'caller@ex.io', password: PASSWORD, display_name: 'The Caller' })
      .expect(200);
    caller = res.body.user;
    bearer = `Bearer ${res.body.auth_token}`;
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  /** Users straight into the table, to control inserted_at (profiles are not needed here). */
  async function insertUsers(users: NewUser[]): Promise<PublicUser[]> {
    const inserted: PublicUser[] = [];
    for (const user of users) {
      const { rows } = await db.query<PublicUser>(
        `INSERT INTO users (id, email, display_name, password_hash, inserted_at)
         VALUES ($1, $2, $3, 'not-a-hash', $4)
         RETURNING id, email::text AS email, display_name`,
        [randomUUID(), user.email, user.display_name, user.inserted_at],
      );
      inserted.push(rows[0]);
    }
    return inserted;
  }

  /** Every user but the caller matching the filter, in the order the API must answer. */
  async function expectedOrder(where = 'true', params: unknown[] = []): Promise<PublicUser[]> {
    const { rows } = await db.query<PublicUser>(
      `SELECT id, email::text AS email, display_name FROM users
       WHERE id <> '${caller.id}' AND ${where}
       ORDER BY inserted_at DESC, id DESC`,
      params,
    );
    return rows;
  }

  const list = (query: Record<string, string> | string = {}) =>
    request(t.url).get('/api/users').query(query).set('Authorization', bearer);

  /** Follows page tokens from the first page to the last. */
  async function allPages(query: Record<string, string>) {
    const pages: Array<{ items: PublicUser[]; page_token: string }> = [];
    let token = '';
    do {
      const res = await list({ ...query, ...(token ? { page_token: token } : {}) }).expect(200);
      pages.push(res.body.users);
      token = res.body.users.page_token;
      expect(pages.length).toBeLessThan(50);
    } while (token !== '');
    return pages;
  }

  it('answers 401 without a bearer', async () => {
    const res = await request(t.url).get('/api/users').query({ search: 'a' }).expect(401);
    expect(res.body).toEqual({ errors: { detail: 'Authentication token is missing.' } });
    await request(t.url).get('/api/users').set('Authorization', 'Bearer nope').expect(401);
  });

  it('answers the shape the web client checks, newest first', async () => {
    const first = await request(t.url)
      .post('/auth/register')
      .send({ email: 'shape.one@ex.io', password: PASSWORD, display_name: 'Shape One' })
      .expect(200);
    const second = await request(t.url)
      .post('/auth/register')
      .send({ email: 'shape.two@ex.io', password: PASSWORD, display_name: 'Shape Two' })
      .expect(200);
    const res = await list({ search: 'shape' }).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({
      users: {
        items: [
          { id: second.body.user.id, email: 'shape.two@ex.io', display_name: 'Shape Two' },
          { id: first.body.user.id, email: 'shape.one@ex.io', display_name: 'Shape One' },
        ],
        page_token: '',
      },
    });
    for (const item of res.body.users.items) expect(item.id).toMatch(UUID);
  });

  it('matches email or display name, case-insensitively, as a substring', async () => {
    const [byName, byEmail] = await insertUsers([
      { email: 'qq1@ex.io', display_name: 'Marigold Finch', inserted_at: '2020-01-01T00:00:00Z' },
      { email: 'marigold@ex.io', display_name: 'Someone', inserted_at: '2020-01-02T00:00:00Z' },
    ]);
    const ids = async (search: string) =>
      (await list({ search }).expect(200)).body.users.items.map((u: PublicUser) => u.id);
    expect(await ids('MARIGOLD')).toEqual([byEmail.id, byName.id]);
    expect(await ids('rigold fi')).toEqual([byName.id]);
    expect(await ids('GOLD@EX')).toEqual([byEmail.id]);
    expect(await ids('no-such-user-anywhere')).toEqual([]);
  });

  it('treats %, _ and \\ in the search literally', async () => {
    const [percent, underscore, backslash] = await insertUsers([
      { email: 'pct@ex.io', display_name: '100% Sure', inserted_at: '2020-02-01T00:00:00Z' },
      { email: 'under_score@ex.io', display_name: 'Under', inserted_at: '2020-02-02T00:00:00Z' },
      { email: 'bs@ex.io', display_name: 'Back\\Slash', inserted_at: '2020-02-03T00:00:00Z' },
    ]);
    // Decoys that would match if the characters were wildcards.
    await insertUsers([
      { email: 'pct2@ex.io', display_name: '1000 Sure', inserted_at: '2020-02-04T00:00:00Z' },
      { email: 'underxscore@ex.io', display_name: 'Unders', inserted_at: '2020-02-05T00:00:00Z' },
      { email: 'bs2@ex.io', display_name: 'BackSlash', inserted_at: '2020-02-06T00:00:00Z' },
    ]);
    const ids = async (search: string) =>
      (await list({ search }).expect(200)).body.users.items.map((u: PublicUser) => u.id);
    expect(await ids('%')).toEqual([percent.id]);
    expect(await ids('0% s')).toEqual([percent.id]);
    expect(await ids('_')).toEqual([underscore.id]);
    expect(await ids('r_s')).toEqual([underscore.id]);
    expect(await ids('\\')).toEqual([backslash.id]);
    expect(await ids('k\\s')).toEqual([backslash.id]);
    expect(await ids('%%')).toEqual([]);
  });

  it('never lists the caller', async () => {
    for (const search of ['caller@ex.io', 'THE CALLER', 'caller', '']) {
      const res = await list({ search, page_size: '100' }).expect(200);
      expect(res.body.users.items.map((u: PublicUser) => u.id)).not.toContain(caller.id);
    }
  });

  it('lists everyone but the caller for an absent or empty search, 20 by default', async () => {
    await insertUsers(
      Array.from({ length: 25 }, (_, i) => ({
        email: `filler${i}@ex.io`,
        display_name: `Filler ${i}`,
        inserted_at: `2019-01-01T00:00:${String(i).padStart(2, '0')}Z`,
      })),
    );
    const everyone = await expectedOrder();
    expect(everyone.length).toBeGreaterThan(25);
    for (const query of [{}, { search: '' }] as Array<Record<string, string>>) {
      const res = await list(query).expect(200);
      expect(res.body.users.items).toEqual(everyone.slice(0, 20));
      expect(res.body.users.page_token).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    const pages = await allPages({ search: '', page_size: '100' });
    expect(pages.flatMap((p) => p.items)).toEqual(everyone);
  });

  describe('pagination over 45 matching users', () => {
    let pagers: PublicUser[];

    beforeAll(async () => {
      // Groups of three inside one millisecond: two at the same instant (ordered by id), one a
      // microsecond later, so page boundaries fall on ties and sub-millisecond gaps.
      const users = Array.from({ length: 45 }, (_, i) => {
        const ms = String(Math.floor(i / 3)).padStart(3, '0');
        const us = i % 3 === 2 ? '001' : '000';
        return {
          email: `pager${String(i).padStart(2, '0')}@ex.io`,
          display_name: `Pager ${i}`,
          inserted_at: `2021-06-01T00:00:00.${ms}${us}Z`,
        };
      });
      await insertUsers(users);
      // Non-matching users in between, which must never show up.
      await insertUsers([
        {
          email: 'other1@ex.io',
          display_name: 'Other One',
          inserted_at: '2021-06-01T00:00:00.007Z',
        },
        {
          email: 'other2@ex.io',
          display_name: 'Other Two',
          inserted_at: '2021-06-01T00:00:00.0005Z',
        },
      ]);
      pagers = await expectedOrder(`email LIKE 'pager%'`);
      expect(pagers).toHaveLength(45);
    });

    it('answers pages of 20, 20 and 5, disjoint, newest first, the last with page_token ""', async () => {
      const pages = await allPages({ search: 'pager', page_size: '20' });
      expect(pages.map((p) => p.items.length)).toEqual([20, 20, 5]);
      expect(pages[0].page_token).not.toBe('');
      expect(pages[1].page_token).not.toBe('');
      expect(pages[2].page_token).toBe('');
      for (const page of pages) expect(typeof page.page_token).toBe('string');
      const all = pages.flatMap((p) => p.items);
      expect(new Set(all.map((u) => u.id)).size).toBe(45);
      expect(all).toEqual(pagers);
    });

    it('holds exactly page_size items: no next page when the rows run out exactly', async () => {
      const whole = await list({ search: 'PAGER', page_size: '45' }).expect(200);
      expect(whole.body.users).toEqual({ items: pagers, page_token: '' });
      const first = await list({ search: 'pager', page_size: '44' }).expect(200);
      expect(first.body.users.items).toEqual(pagers.slice(0, 44));
      const rest = await list({
        search: 'pager',
        page_size: '44',
        page_token: first.body.users.page_token,
      }).expect(200);
      expect(rest.body.users).toEqual({ items: pagers.slice(44), page_token: '' });
      const single = await allPages({ search: 'pager', page_size: '1' });
      expect(single).toHaveLength(45);
      expect(single.flatMap((p) => p.items)).toEqual(pagers);
      const big = await list({ search: 'pager', page_size: '100' }).expect(200);
      expect(big.body.users).toEqual({ items: pagers, page_token: '' });
    });

    it('treats page_token "" as the first page', async () => {
      const res = await list({ search: 'pager', page_size: '5', page_token: '' }).expect(200);
      expect(res.body.users.items).toEqual(pagers.slice(0, 5));
    });

    it('continues a token from another search with the new search, without failing', async () => {
      const first = await list({ search: 'pager', page_size: '30' }).expect(200);
      const token = first.body.users.page_token;
      for (const search of ['', 'filler', 'other', 'marigold', 'nobody-at-all']) {
        const res = await list({ search, page_size: '100', page_token: token }).expect(200);
        expect(typeof res.body.users.page_token).toBe('string');
        for (const user of res.body.users.items as PublicUser[]) {
          expect(Object.keys(user).sort()).toEqual(['display_name', 'email', 'id']);
          expect(user.id).toMatch(UUID);
          expect(user.id).not.toBe(caller.id);
        }
      }
      // The token is a position (after the 30th pager, at .005 s): other searches go on from
      // there, so Other One (.007 s) is left out and Other Two (.0005 s) comes back.
      const other = await list({ search: 'other', page_token: token }).expect(200);
      const olderOthers = await expectedOrder(
        `email LIKE 'other%' AND (inserted_at, id) < (SELECT inserted_at, id FROM users WHERE id = $1)`,
        [pagers[29].id],
      );
      expect(olderOthers.map((u) => u.email)).toEqual(['other2@ex.io']);
      expect(other.body.users).toEqual({ items: olderOthers, page_token: '' });
    });
  });

  it('answers 400 for a malformed page_token', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const token of [
      'garbage!',
      'bm90IGpzb24',
      forged({ at: '2021-06-01T00:00:00Z', id: caller.id }),
      forged(['2021-02-30T00:00:00Z', caller.id]),
      forged(['2021-06-01T00:00:00Z', 'not-a-uuid']),
      forged(["2021-06-01T00:00:00Z'--", caller.id]),
      'A'.repeat(5000),
    ]) {
      const res = await list({ page_token: token }).expect(400);
      expect(res.body).toEqual(PAGE_TOKEN_ERROR);
    }
    const repeated = await list('page_token=abc&page_token=def').expect(400);
    expect(repeated.body).toEqual(PAGE_TOKEN_ERROR);
  });

  it('answers 400 for a page_size that is not an integer 1–100', async () => {
    for (const size of ['0', '101', 'abc', '1.5', '-1', '', '1e2', ' 5']) {
      const res = await list({ page_size: size }).expect(400);
      expect(res.body).toEqual(PAGE_SIZE_ERROR);
    }
    const repeated = await list('page_size=5&page_size=6').expect(400);
    expect(repeated.body).toEqual(PAGE_SIZE_ERROR);
  });

  it('answers 400, never 500, for a search it cannot run', async () => {
    const nul = await list('search=a%00b').expect(400);
    expect(nul.body).toEqual({ errors: { search: ['is invalid'] } });
    await list('search=a&search=b').expect(400);
    await list('search=%FF%FE').expect(200);
  });

  it('documents the route in the OpenAPI document', async () => {
    const { body } = await request(t.url).get('/docs/openapi.json').expect(200);
    expect(Object.keys(body.paths['/api/users'])).toEqual(['get']);
    const get = body.paths['/api/users'].get;
    expect(get.security).toEqual([{ bearer: [] }]);
    expect(
      get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort(),
    ).toEqual(['query:page_size', 'query:page_token', 'query:search']);
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401']);
    expect(get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/UsersResponse',
    );
    expect(body.components.schemas.UsersPageBody.required.sort()).toEqual(['items', 'page_token']);
  });
});
