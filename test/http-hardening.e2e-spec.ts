import pg from 'pg';
import request from 'supertest';
import { MAX_JSON_DEPTH } from '../src/common/json/json-limits.js';
import { PASSWORD, registerUser, type RegisteredUser, uniqueEmail } from './support/chat-users.js';
import { JSON_API, jsonApiErrors } from './support/json-api-errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NEW_PASSWORD = 'Another-horse-8!';
const NOT_ALLOWED = 'contains characters that are not allowed';
const TOO_DEEP = { errors: { detail: `JSON body nested deeper than ${MAX_JSON_DEPTH} levels` } };
/** What PostgreSQL text cannot hold: U+0000, and a lone surrogate (not well-formed UTF-16). */
const UNSTORABLE = [
  ['NUL', '\u0000'],
  ['a lone surrogate', '\ud800'],
] as const;

/** `levels` arrays around 1: `[[1]]` nests 2 levels. */
const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

interface Fixtures {
  user: RegisteredUser;
  confirmToken: string;
  resetToken: string;
  changeToken: string;
}

/** A chat REST route that takes a JSON body, with a body it would accept. */
interface BodyRoute {
  method: 'post' | 'patch';
  path: string;
  bearer: boolean;
  body: (f: Fixtures) => Record<string, string | string[]>;
}

/** Every chat REST route with a body DTO (auth, session, credentials, profiles controllers). */
const BODY_ROUTES: BodyRoute[] = [
  {
    method: 'post',
    path: '/auth/register',
    bearer: false,
    body: () => ({ email: uniqueEmail('new'), password: PASSWORD, display_name: 'Newcomer' }),
  },
  {
    method: 'post',
    path: '/auth/login',
    bearer: false,
    body: (f) => ({ email: f.user.email, password: PASSWORD }),
  },
  {
    method: 'post',
    path: '/auth/refresh',
    bearer: false,
    body: (f) => ({ token: f.user.refreshToken }),
  },
  {
    method: 'post',
    path: '/api/signout',
    bearer: false,
    body: (f) => ({ token: f.user.refreshToken }),
  },
  {
    method: 'post',
    path: '/auth/confirm',
    bearer: false,
    body: (f) => ({ token: f.confirmToken }),
  },
  {
    method: 'post',
    path: '/auth/password/request',
    bearer: false,
    body: (f) => ({ email: f.user.email }),
  },
  {
    method: 'post',
    path: '/auth/password/confirm',
    bearer: false,
    body: (f) => ({ token: f.resetToken }),
  },
  {
    method: 'post',
    path: '/auth/password/reset',
    bearer: false,
    body: (f) => ({
      token: f.resetToken,
      new_password: NEW_PASSWORD,
      new_password_confirmation: NEW_PASSWORD,
    }),
  },
  {
    method: 'patch',
    path: '/api/password',
    bearer: true,
    body: () => ({
      password: PASSWORD,
      new_password: NEW_PASSWORD,
      new_password_confirmation: NEW_PASSWORD,
    }),
  },
  {
    method: 'patch',
    path: '/api/email',
    bearer: true,
    body: (f) => ({ token: f.changeToken, email: uniqueEmail('moved'), password: PASSWORD }),
  },
  { method: 'patch', path: '/api/profile', bearer: true, body: () => ({ recents: ['/chat/a'] }) },
  { method: 'post', path: '/api/recents', bearer: true, body: () => ({ recents: ['/chat/a'] }) },
];

/** The body with `char` added to `field` (to each item of a list). */
function poisoned(body: Record<string, string | string[]>, field: string, char: string) {
  const value = body[field];
  return { ...body, [field]: Array.isArray(value) ? value.map((v) => v + char) : value + char };
}

/** The message each poisoned field gets; the recents rule has its own for NUL. */
function expectedMessage(field: string, char: string): string {
  return field === 'recents' && char === '\u0000'
    ? 'each item must not contain NUL characters'
    : NOT_ALLOWED;
}

describe('chat REST edge: unstorable strings and deep JSON are refused, nothing changes', () => {
  let t: TestApp;
  let db: pg.Client;
  let f: Fixtures;

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    const user = await registerUser(t.url);
    await request(t.url).post('/auth/password/request').send({ email: user.email }).expect(204);
    await request(t.url)
      .post('/api/token/email_change')
      .set('Authorization', user.bearer)
      .expect(204);
    f = {
      user,
      confirmToken: await mailedToken(user.email, 'email_confirmation'),
      resetToken: await mailedToken(user.email, 'password_reset'),
      changeToken: await mailedToken(user.email, 'email_change'),
    };
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  async function mailedToken(to: string, purpose: string): Promise<string> {
    const { body } = await request(t.url).get('/dev/mailbox').expect(200);
    const mail = (body.mails as Array<{ to: string; text: string }>).find(
      (m) => m.to === to && m.text.includes(`/${purpose}?token=`),
    );
    return /token=([A-Za-z0-9_-]{43})/.exec(mail!.text)![1];
  }

  /** Everything a refused request could have changed: accounts, profiles, tokens, mails. */
  async function snapshot(): Promise<unknown> {
    const digest = (table: string) =>
      `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${table} t)`;
    const { rows } = await db.query(
      `SELECT ${digest('users')} AS users, ${digest('user_profiles')} AS profiles,
              ${digest('user_tokens')} AS tokens`,
    );
    const mails = await request(t.url).get('/dev/mailbox').expect(200);
    return { ...rows[0], mails: mails.body };
  }

  function send(route: BodyRoute) {
    const req = request(t.url)[route.method](route.path);
    return route.bearer ? req.set('Authorization', f.user.bearer) : req;
  }

  describe.each(BODY_ROUTES)('$method $path', (route) => {
    it.each(UNSTORABLE)('answers 422 for %s in each string field', async (_name, char) => {
      const before = await snapshot();
      const body = route.body(f);
      for (const field of Object.keys(body)) {
        const res = await send(route).send(poisoned(body, field, char));
        expect({ field, status: res.status, body: res.body }).toEqual({
          field,
          status: 422,
          body: { errors: { [field]: [expectedMessage(field, char)] } },
        });
      }
      expect(await snapshot()).toEqual(before);
    });

    it(`answers 400 for a body nested deeper than ${MAX_JSON_DEPTH} levels`, async () => {
      const before = await snapshot();
      const [field] = Object.keys(route.body(f));
      for (const levels of [MAX_JSON_DEPTH, 20_000]) {
        const res = await send(route)
          .set('Content-Type', 'application/json')
          .send(`{"${field}":${nested(levels)}}`);
        expect({ levels, status: res.status, body: res.body }).toEqual({
          levels,
          status: 400,
          body: TOO_DEEP,
        });
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  it(`parses a body nested exactly ${MAX_JSON_DEPTH} levels and validates it`, async () => {
    const res = await request(t.url)
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(`{"email":${nested(MAX_JSON_DEPTH - 1)},"password":"${PASSWORD}"}`)
      .expect(422);
    expect(res.body).toEqual({ errors: { email: ['is invalid'] } });
  });

  it('reads JSON bodies in UTF-8 only (RFC 8259), so no other charset can hide nesting', async () => {
    const before = await snapshot();
    const res = await fetch(`${t.url}/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-16le' },
      body: Buffer.from(`{"email":${nested(20_000)}}`, 'utf16le'),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 415,
      body: { errors: { detail: 'Unsupported request body charset' } },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses unstorable text in keys and in keys it would otherwise ignore', async () => {
    const before = await snapshot();
    const login = { email: f.user.email, password: PASSWORD };
    const extra = await request(t.url)
      .post('/auth/login')
      .send({ ...login, rememberMe: 'yes\u0000' })
      .expect(422);
    expect(extra.body).toEqual({ errors: { rememberMe: [NOT_ALLOWED] } });
    const key = await request(t.url)
      .post('/auth/login')
      .send({ ...login, 'odd\u0000key': true })
      .expect(422);
    expect(key.body).toEqual({ errors: { 'odd\u0000key': [NOT_ALLOWED] } });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses unstorable text in urlencoded bodies too', async () => {
    const res = await request(t.url)
      .post('/auth/password/request')
      .type('form')
      .send(`email=${encodeURIComponent(f.user.email)}%00`)
      .expect(422);
    expect(res.body).toEqual({ errors: { email: [NOT_ALLOWED] } });
  });

  it('refuses deep JSON on routes without a body, before they run', async () => {
    const other = await registerUser(t.url);
    const before = await snapshot();
    const res = await request(t.url)
      .post('/api/signout_all')
      .set('Authorization', other.bearer)
      .set('Content-Type', 'application/json')
      .send(nested(MAX_JSON_DEPTH + 1))
      .expect(400);
    expect(res.body).toEqual(TOO_DEEP);
    expect(await snapshot()).toEqual(before);
  });

  it('answers deep JSON:API bodies under /api/json with a JSON:API 400 document', async () => {
    const res = await request(t.url)
      .post('/api/json/accounts/users')
      .set('Content-Type', JSON_API)
      .send(`{"data":${nested(20_000)}}`)
      .expect(400);
    expect(jsonApiErrors(res)).toEqual([expect.objectContaining({ status: '400' })]);
  });

  it('answers NUL in query strings with 4xx, never 500', async () => {
    const get = (path: string) => request(t.url).get(path).set('Authorization', f.user.bearer);
    expect((await get('/api/users?search=a%00').expect(400)).body).toEqual({
      errors: { search: ['is invalid'] },
    });
    expect((await get('/api/messages?conversation_id=%00').expect(404)).body).toEqual({
      errors: { detail: 'Not Found' },
    });
    const conversation = '/api/messages?conversation_id=00000000-0000-4000-8000-000000000000';
    expect((await get(`${conversation}&page_token=%00`).expect(400)).body).toEqual({
      errors: { page_token: ['is invalid'] },
    });
    await get(`${conversation}&page_size=1%00`).expect(400);
  });
});
