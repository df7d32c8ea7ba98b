import jwt from 'jsonwebtoken';
import request from 'supertest';
import { PASSWORD, registerUser, type RegisteredUser } from './support/chat-users.js';
import { connect, disconnectAll, join, leave, ReplyError } from './support/phoenix-client.js';
import { startTestApp, TEST_ENV, type TestApp } from './support/test-app.js';
import { upgradeStatus } from './support/upgrade-status.js';

const TTL_SECONDS = 120;

describe('access tokens: exp and a UUID sub required, ACCESS_TOKEN_TTL_SECONDS lifetime', () => {
  let t: TestApp;
  let ann: RegisteredUser;

  beforeAll(async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) });
    ann = await registerUser(t.url);
  });
  afterEach(() => disconnectAll());
  afterAll(() => t.close());

  /** Signed with the server's own secret: only the claims make these tokens unacceptable. */
  const sign = (claims: object, options: jwt.SignOptions = {}) =>
    jwt.sign(claims, TEST_ENV.JWT_SECRET, options);
  const now = () => Date.now() / 1000;

  function refusedTokens(): Array<[string, string]> {
    return [
      ['without exp', sign({ sub: ann.id, iat: now() })],
      ['with a sub that is not a UUID', sign({ sub: 'admin', iat: now(), exp: now() + 60 })],
      ['with a numeric sub', sign({ sub: 42, iat: now(), exp: now() + 60 })],
      ['without iat', sign({ sub: ann.id, exp: now() + 60 }, { noTimestamp: true })],
      ['expired', sign({ sub: ann.id, iat: now() - TTL_SECONDS - 5, exp: now() - 5 })],
    ];
  }
  /** The same claims as the server's, signed here: the refusals above are not about signing. */
  const wellFormed = () => sign({ sub: ann.id, iat: now(), exp: now() + 60 });

  const users = (token: string) =>
    request(t.url).get('/api/users').set('Authorization', `Bearer ${token}`);
  const socketUrl = (token: string) =>
    `${t.socketUrl}/websocket?token=${encodeURIComponent(token)}&vsn=2.0.0`;

  it('live exactly ACCESS_TOKEN_TTL_SECONDS (exp − iat) from register, login and refresh', async () => {
    const login = await request(t.url)
      .post('/auth/login')
      .send({ email: ann.email, password: PASSWORD })
      .expect(200);
    const refreshed = await request(t.url)
      .post('/auth/refresh')
      .send({ token: login.body.refresh_token })
      .expect(200);
    for (const token of [ann.authToken, login.body.auth_token, refreshed.body.auth_token]) {
      const claims = jwt.verify(token, TEST_ENV.JWT_SECRET) as jwt.JwtPayload;
      expect(claims.sub).toBe(ann.id);
      expect(claims.exp! - claims.iat!).toBeCloseTo(TTL_SECONDS, 3);
      expect(claims.exp! * 1000).toBeGreaterThan(Date.now());
    }
  });

  it('are refused on REST routes without exp or iat, with a non-UUID sub, or expired', async () => {
    await users(wellFormed()).expect(200);
    for (const [kind, token] of refusedTokens()) {
      const res = await users(token);
      const reason = kind === 'expired' ? 'expired' : 'invalid';
      expect({ kind, status: res.status, body: res.body }).toEqual({
        kind,
        status: 401,
        body: { errors: { detail: `Authentication token is ${reason}.` } },
      });
    }
  });

  it('are refused at socket connect (403)', async () => {
    expect(await upgradeStatus(socketUrl(wellFormed()))).toBe(101);
    for (const [kind, token] of refusedTokens()) {
      expect({ kind, status: await upgradeStatus(socketUrl(token)) }).toEqual({
        kind,
        status: 403,
      });
    }
  });

  it('are refused in channel payloads (error invalid_token)', async () => {
    const socket = await connect(t.socketUrl, { params: { token: ann.authToken } });
    const control = socket.channel(`user:${ann.id}`, { token: wellFormed() });
    await expect(join(control)).resolves.toEqual({});
    await leave(control);
    for (const [kind, token] of refusedTokens()) {
      const channel = socket.channel(`user:${ann.id}`, { token });
      const refusal = await join(channel).then(
        () => undefined,
        (error: unknown) => error,
      );
      await leave(channel);
      expect({ kind, refusal }).toEqual({
        kind,
        refusal: new ReplyError('error', { reason: 'invalid_token' }),
      });
    }
  });
});
