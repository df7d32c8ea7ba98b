import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startTestApp, TEST_ENV, type TestApp } from './support/test-app.js';

const PASSWORD = 'Correct-horse-9!';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Part B's COMPLETE_AUTH_SHAPE, as the web client's BFF checks it. */
function expectCompleteAuthShape(body: Record<string, unknown>) {
  expect(body).toEqual({
    user: {
      id: expect.stringMatching(UUID),
      email: expect.any(String),
      display_name: expect.any(String),
      confirmed_at: null,
      hidden: false,
      theme: 'auto',
      magnification: 1,
      recents: [],
    },
    conversations: expect.any(Array),
    users: expect.any(Array),
    auth_token: expect.any(String),
    refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  });
  expect(typeof (body.user as { magnification: unknown }).magnification).toBe('number');
}

describe('chat accounts: register, login, refresh, sign-out', () => {
  let t: TestApp;
  let n = 0;
  const email = () => `user${++n}@example.com`;

  beforeAll(async () => {
    t = await startTestApp({ REFRESH_REUSE_INTERVAL_MS: '0' });
  });
  afterAll(() => t.close());

  const register = (body: object) => request(t.url).post('/auth/register').send(body);
  const login = (body: object) => request(t.url).post('/auth/login').send(body);
  const refresh = (token: string) => request(t.url).post('/auth/refresh').send({ token });

  describe('POST /auth/register', () => {
    it('creates the account and answers 200 with the complete login body', async () => {
      const res = await register({
        email: 'ann.lee@example.com',
        password: PASSWORD,
        rememberMe: true,
      }).expect(200);
      expectCompleteAuthShape(res.body);
      expect(res.body.user).toMatchObject({
        email: 'ann.lee@example.com',
        display_name: 'ann.lee',
      });
      expect(res.body.conversations).toEqual([]);
      expect(res.body.users).toEqual([]);
    });

    it('mails a confirmation link built from FRONTEND_URL', async () => {
      const address = email();
      await register({ email: address, password: PASSWORD }).expect(200);
      const { body } = await request(t.url).get('/dev/mailbox').expect(200);
      const mail = body.mails.find((m: { to: string }) => m.to === address);
      expect(mail.text).toMatch(
        /http:\/\/localhost:3000\/email_confirmation\?token=[A-Za-z0-9_-]{43}/,
      );
    });

    it('serves many concurrent registrations (more than the database pool)', async () => {
      const results = await Promise.all(
        Array.from({ length: 25 }, () => register({ email: email(), password: PASSWORD })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
    });

    it('honours display_name and the web client’s displayName', async () => {
      const a = await register({
        email: email(),
        password: PASSWORD,
        display_name: 'Snake Case',
      }).expect(200);
      expect(a.body.user.display_name).toBe('Snake Case');
      const b = await register({
        email: email(),
        password: PASSWORD,
        displayName: 'Camel Case',
      }).expect(200);
      expect(b.body.user.display_name).toBe('Camel Case');
    });

    it('defaults a short local part to the email’s first 20 characters', async () => {
      const res = await register({
        email: 'jo@a-long-domain-name.example',
        password: PASSWORD,
      }).expect(200);
      expect(res.body.user.display_name).toBe('jo@a-long-domain-nam');
    });

    it('answers 422 with field errors for invalid input', async () => {
      const res = await register({
        email: 'not-an-email',
        password: 'short',
        display_name: 'x',
      }).expect(422);
      expect(res.body).toEqual({
        errors: {
          email: ['must be a valid email'],
          password: expect.arrayContaining([
            'should be at least 12 byte(s)',
            'must contain an uppercase letter',
            'must contain at least one number',
            "must contain one of !@#$%^&*+`~'",
          ]),
          display_name: ['should be at least 3 character(s)'],
        },
      });
      const wrongType = await register({ email: email(), password: 123456789012345 }).expect(422);
      expect(wrongType.body).toEqual({ errors: { password: ['is invalid'] } });
      const tooLong = await register({ email: email(), password: `Aa1!${'é'.repeat(35)}` }).expect(
        422,
      );
      expect(tooLong.body.errors.password).toEqual(['should be at most 72 byte(s)']);
    });

    it('answers 422 for an email already taken, whatever its case', async () => {
      const address = email();
      await register({ email: address, password: PASSWORD }).expect(200);
      const res = await register({ email: address.toUpperCase(), password: PASSWORD }).expect(422);
      expect(res.body).toEqual({ errors: { email: ['has already been taken'] } });
    });

    it('answers 400 naming missing parameters, and for a malformed body', async () => {
      const res = await register({ password: PASSWORD }).expect(400);
      expect(res.body).toEqual({ error: { missing_parameters: ['email'] } });
      const none = await request(t.url).post('/auth/register').expect(400);
      expect(none.body).toEqual({ error: { missing_parameters: ['email', 'password'] } });
      await request(t.url)
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send('[1,')
        .expect(400);
    });
  });

  describe('POST /auth/login', () => {
    it('answers 200 with the login body, case-insensitively on the email', async () => {
      const address = email();
      await register({ email: address, password: PASSWORD }).expect(200);
      const res = await login({
        email: address.toUpperCase(),
        password: PASSWORD,
        rememberMe: false,
      }).expect(200);
      expectCompleteAuthShape(res.body);
      expect(res.body.user.email).toBe(address);
    });

    it('answers 401 for a wrong password or an unknown email, the same way', async () => {
      const address = email();
      await register({ email: address, password: PASSWORD }).expect(200);
      const wrong = await login({ email: address, password: 'Wrong-password-1!' }).expect(401);
      const unknown = await login({ email: 'nobody@example.com', password: PASSWORD }).expect(401);
      const empty = await login({ email: address, password: '' }).expect(401);
      for (const res of [wrong, unknown, empty]) {
        expect(res.body).toEqual({ error: { message: 'Invalid email and/or password' } });
      }
    });

    it('answers 400 for missing parameters', async () => {
      const res = await login({ email: email() }).expect(400);
      expect(res.body).toEqual({ error: { missing_parameters: ['password'] } });
    });
  });

  describe('refresh tokens', () => {
    it('rotate: each is single use and answers the complete login body', async () => {
      const registered = await register({ email: email(), password: PASSWORD }).expect(200);
      const first = await refresh(registered.body.refresh_token).expect(200);
      expectCompleteAuthShape(first.body);
      expect(first.body.refresh_token).not.toBe(registered.body.refresh_token);
      await refresh(first.body.refresh_token).expect(200);
    });

    it('presented again after rotation, revoke every refresh token of the user', async () => {
      const address = email();
      const registered = await register({ email: address, password: PASSWORD }).expect(200);
      const otherSession = await login({ email: address, password: PASSWORD }).expect(200);
      const rotated = await refresh(registered.body.refresh_token).expect(200);

      const reuse = await refresh(registered.body.refresh_token).expect(400);
      expect(reuse.body).toEqual({ error: { message: 'Invalid token' } });
      await refresh(rotated.body.refresh_token).expect(400);
      await refresh(otherSession.body.refresh_token).expect(400);
    });

    it('answer 400 Invalid token for unknown or malformed tokens', async () => {
      for (const token of [
        'x'.repeat(43),
        'short',
        '',
        'not/base64url+chars=====================',
      ]) {
        const res = await refresh(token).expect(400);
        expect(res.body).toEqual({ error: { message: 'Invalid token' } });
      }
      const missing = await request(t.url).post('/auth/refresh').send({}).expect(400);
      expect(missing.body).toEqual({ error: { missing_parameters: ['token'] } });
    });

    it('are stored hashed only', async () => {
      const registered = await register({ email: email(), password: PASSWORD }).expect(200);
      const raw = Buffer.from(registered.body.refresh_token, 'base64url');
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: t.databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ token_hash: Buffer }>(
        'SELECT token_hash FROM user_tokens',
      );
      await client.end();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.token_hash.equals(raw)).toBe(false);
      expect(t.logText()).not.toContain(registered.body.refresh_token);
    });
  });

  describe('sign-out', () => {
    it('POST /api/signout revokes the refresh token without a bearer; unknown tokens answer 204 too', async () => {
      const registered = await register({ email: email(), password: PASSWORD }).expect(200);
      await request(t.url)
        .post('/api/signout')
        .send({ token: registered.body.refresh_token })
        .expect(204);
      await refresh(registered.body.refresh_token).expect(400);
      await request(t.url)
        .post('/api/signout')
        .send({ token: registered.body.refresh_token })
        .expect(204);
      await request(t.url).post('/api/signout').send({ token: 'unknown' }).expect(204);
    });

    it('POST /api/signout_all revokes refresh tokens and every access token issued before it', async () => {
      const address = email();
      const registered = await register({ email: address, password: PASSWORD }).expect(200);
      const bearer = `Bearer ${registered.body.auth_token}`;
      await request(t.url).post('/api/signout_all').set('Authorization', bearer).expect(204);

      const revoked = await request(t.url)
        .post('/api/signout_all')
        .set('Authorization', bearer)
        .expect(401);
      expect(revoked.body).toEqual({ errors: { detail: 'Authentication token is invalid.' } });
      await refresh(registered.body.refresh_token).expect(400);

      const again = await login({ email: address, password: PASSWORD }).expect(200);
      await request(t.url)
        .post('/api/signout_all')
        .set('Authorization', `Bearer ${again.body.auth_token}`)
        .expect(204);
    });
  });

  describe('bearer failures on /api routes', () => {
    const detail = (reason: string) => ({
      errors: { detail: `Authentication token is ${reason}.` },
    });
    const call = () => request(t.url).post('/api/signout_all');

    it('answer 401 missing, invalid_token, invalid and expired', async () => {
      const registered = await register({ email: email(), password: PASSWORD }).expect(200);
      const token: string = registered.body.auth_token;
      expect((await call().expect(401)).body).toEqual(detail('missing'));
      expect((await call().set('Authorization', `Basic ${token}`).expect(401)).body).toEqual(
        detail('invalid_token'),
      );
      expect((await call().set('Authorization', 'Bearer').expect(401)).body).toEqual(
        detail('invalid_token'),
      );
      const forged = jwt.sign(
        { sub: registered.body.user.id },
        'another-secret-that-is-long-enough-000',
        { expiresIn: 60 },
      );
      expect((await call().set('Authorization', `Bearer ${forged}`).expect(401)).body).toEqual(
        detail('invalid'),
      );
      expect((await call().set('Authorization', 'Bearer not.a.jwt').expect(401)).body).toEqual(
        detail('invalid'),
      );
      const expired = jwt.sign(
        { sub: registered.body.user.id, exp: Math.floor(Date.now() / 1000) - 10 },
        TEST_ENV.JWT_SECRET,
      );
      expect((await call().set('Authorization', `Bearer ${expired}`).expect(401)).body).toEqual(
        detail('expired'),
      );
    });

    it('answer 401 invalid_token for two Authorization headers', async () => {
      const registered = await register({ email: email(), password: PASSWORD }).expect(200);
      const status = await new Promise<number>((resolve, reject) => {
        const http = new URL(t.url);
        import('node:http').then(({ request: send }) => {
          const req = send(
            { host: http.hostname, port: http.port, method: 'POST', path: '/api/signout_all' },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.setHeader('Authorization', [
            `Bearer ${registered.body.auth_token}`,
            `Bearer ${registered.body.auth_token}`,
          ]);
          req.on('error', reject);
          req.end();
        }, reject);
      });
      expect(status).toBe(401);
    });
  });

  it('never logs passwords or tokens', async () => {
    const address = email();
    const registered = await register({ email: address, password: PASSWORD }).expect(200);
    await login({ email: address, password: PASSWORD }).expect(200);
    await refresh(registered.body.refresh_token).expect(200);
    const text = t.logText();
    for (const secret of [PASSWORD, registered.body.auth_token, registered.body.refresh_token]) {
      expect(text).not.toContain(secret);
    }
  });
});
