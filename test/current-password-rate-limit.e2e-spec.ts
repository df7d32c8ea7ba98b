import http from 'node:http';
import request from 'supertest';
import { PASSWORD, uniqueEmail } from './support/chat-users.js';
import { mailedToken } from './support/mailed-token.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const LIMIT = 3;
const NEW_PASSWORD = 'Another-horse-8!';
const WRONG = 'Wrong-horse-7!!';
const TOO_MANY = { error: { message: 'Too many requests' } };

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: unknown;
}

describe('current-password checks are rate limited (PATCH /api/password, PATCH /api/email)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT: String(LIMIT), AUTH_RATE_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  /** A JSON request sent from the loopback address `from` (127.0.0.0/8: each is a client IP). */
  function send(
    from: string,
    method: string,
    path: string,
    body: object,
    bearer?: string,
  ): Promise<Answer> {
    const url = new URL(path, t.url);
    const authorization = bearer === undefined ? {} : { Authorization: bearer };
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method,
          localAddress: from,
          headers: { ...authorization, 'Content-Type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'],
              body: text === '' ? undefined : JSON.parse(text),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  /** A new user, registered from its own address (registration is rate limited per IP too). */
  let registrations = 0;
  async function register(): Promise<{ email: string; bearer: string }> {
    const email = uniqueEmail('guessed');
    const answer = await send(`127.0.1.${++registrations}`, 'POST', '/auth/register', {
      email,
      password: PASSWORD,
    });
    expect(answer.status).toBe(200);
    return { email, bearer: `Bearer ${(answer.body as { auth_token: string }).auth_token}` };
  }

  const expectLimited = (answer: Answer) => {
    expect(answer).toEqual({ status: 429, retryAfter: expect.any(String), body: TOO_MANY });
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
  };

  it('PATCH /api/password: past the limit, per user whatever the IP, even the right password', async () => {
    const ann = await register();
    const change = (from: string, password: string) =>
      send(
        from,
        'PATCH',
        '/api/password',
        {
          password,
          new_password: NEW_PASSWORD,
          new_password_confirmation: NEW_PASSWORD,
        },
        ann.bearer,
      );
    for (let i = 0; i < LIMIT; i++) {
      expect(await change(`127.0.0.${10 + i}`, WRONG)).toMatchObject({
        status: 422,
        body: { errors: { current_password: ['is not valid'] } },
      });
    }
    expectLimited(await change('127.0.0.20', WRONG));
    expectLimited(await change('127.0.0.21', PASSWORD));
    // Refused before the check: the password did not change.
    await request(t.url)
      .post('/auth/login')
      .send({ email: ann.email, password: PASSWORD })
      .expect(200);
  });

  it('PATCH /api/email: past the limit, per user whatever the IP, even the right password', async () => {
    const bob = await register();
    await request(t.url)
      .post('/api/token/email_change')
      .set('Authorization', bob.bearer)
      .expect(204);
    const token = await mailedToken(t.url, bob.email, 'email_change');
    const email = uniqueEmail('moved');
    const change = (from: string, password: string) =>
      send(from, 'PATCH', '/api/email', { token, email, password }, bob.bearer);
    for (let i = 0; i < LIMIT; i++) {
      expect(await change(`127.0.0.${30 + i}`, WRONG)).toMatchObject({
        status: 422,
        body: { errors: { current_password: ['is not valid'] } },
      });
    }
    expectLimited(await change('127.0.0.40', WRONG));
    expectLimited(await change('127.0.0.41', PASSWORD));
    await request(t.url)
      .post('/auth/login')
      .send({ email: bob.email, password: PASSWORD })
      .expect(200);
  });

  it('also counts per IP, whoever the user', async () => {
    const [cat, dan] = [await register(), await register()];
    const guess = (user: typeof cat) =>
      send(
        '127.0.0.50',
        'PATCH',
        '/api/password',
        { password: WRONG, new_password: NEW_PASSWORD, new_password_confirmation: NEW_PASSWORD },
        user.bearer,
      );
    for (let i = 0; i < LIMIT; i++) expect((await guess(i % 2 ? cat : dan)).status).toBe(422);
    expectLimited(await guess(cat));
    expectLimited(await guess(dan));
  });
});
