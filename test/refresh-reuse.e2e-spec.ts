import request from 'supertest';
import { PASSWORD, registerUser, type RegisteredUser } from './support/chat-users.js';
import { sleep } from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REUSE_INTERVAL_MS = 300;

interface LoginAnswer {
  status: number;
  body: { auth_token?: string; refresh_token?: string; user?: { id: string } };
}

// One app at a time (each describe boots its own): passport keeps one `jwt` strategy per
// process, the last app's, so two apps alive together would check bearers in the wrong database.
describe('refresh tokens presented again (REFRESH_REUSE_INTERVAL_MS)', () => {
  const refresh = (t: TestApp, token: string): Promise<LoginAnswer> =>
    request(t.url)
      .post('/auth/refresh')
      .send({ token })
      .then(({ status, body }) => ({ status, body }));
  const login = async (t: TestApp, user: RegisteredUser): Promise<string> =>
    (
      await request(t.url)
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(200)
    ).body.refresh_token;
  /** The access token works on a bearer route. */
  const expectWorkingAccessToken = async (t: TestApp, token: string | undefined) => {
    expect(token).toEqual(expect.any(String));
    await request(t.url).get('/api/users').set('Authorization', `Bearer ${token}`).expect(200);
  };

  describe('within the interval', () => {
    /** Default interval (10 s): every presentation in a test lands well within it. */
    let within: TestApp;
    beforeAll(async () => {
      within = await startTestApp();
    });
    afterAll(() => within.close());

    it('two concurrent refreshes with one token both succeed, with working answers', async () => {
      const ann = await registerUser(within.url);
      const tabs = await Promise.all([
        refresh(within, ann.refreshToken),
        refresh(within, ann.refreshToken),
      ]);
      expect(tabs.map((tab) => tab.status)).toEqual([200, 200]);
      for (const tab of tabs) {
        expect(tab.body.user?.id).toBe(ann.id);
        await expectWorkingAccessToken(within, tab.body.auth_token);
      }
      // Both get the one successor: the shared cookie holds a live token whichever answer
      // wrote it last, and no second session appeared.
      const successor = tabs[0].body.refresh_token!;
      expect(tabs[1].body.refresh_token).toBe(successor);
      expect(within.logs).toContainEqual(
        expect.objectContaining({
          msg: `refresh token of user ${ann.id} presented again within the reuse interval`,
        }),
      );
      const next = await refresh(within, successor);
      expect(next.status).toBe(200);
      await expectWorkingAccessToken(within, next.body.auth_token);
      expect(await refresh(within, next.body.refresh_token!)).toMatchObject({ status: 200 });
    });

    it('revoke nothing: the successor and the user’s other sessions keep working', async () => {
      const ann = await registerUser(within.url);
      const otherSession = await login(within, ann);
      const first = await refresh(within, ann.refreshToken);
      const again = await refresh(within, ann.refreshToken);
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body.refresh_token).toBe(first.body.refresh_token);
      expect((await refresh(within, first.body.refresh_token!)).status).toBe(200);
      expect((await refresh(within, otherSession)).status).toBe(200);
    });

    it('answer with the live token when the successor was itself rotated since', async () => {
      const ann = await registerUser(within.url);
      const first = await refresh(within, ann.refreshToken);
      const second = await refresh(within, first.body.refresh_token!);
      const replay = await refresh(within, ann.refreshToken);
      expect(replay.status).toBe(200);
      expect(replay.body.refresh_token).toBe(second.body.refresh_token);
      expect((await refresh(within, second.body.refresh_token!)).status).toBe(200);
    });

    it('answer 400 once the successor was signed out, and revoke nothing', async () => {
      const ann = await registerUser(within.url);
      const otherSession = await login(within, ann);
      const first = await refresh(within, ann.refreshToken);
      await request(within.url)
        .post('/api/signout')
        .send({ token: first.body.refresh_token })
        .expect(204);
      const replay = await refresh(within, ann.refreshToken);
      expect(replay).toEqual({ status: 400, body: { error: { message: 'Invalid token' } } });
      expect((await refresh(within, otherSession)).status).toBe(200);
    });
  });

  describe('after the interval', () => {
    /** A short interval, to present a token again after it. */
    let after: TestApp;
    beforeAll(async () => {
      after = await startTestApp({ REFRESH_REUSE_INTERVAL_MS: String(REUSE_INTERVAL_MS) });
    });
    afterAll(() => after.close());

    it('a replay fails and revokes every refresh token of the user', async () => {
      const ann = await registerUser(after.url);
      const otherSession = await login(after, ann);
      const rotated = await refresh(after, ann.refreshToken);
      expect(rotated.status).toBe(200);
      await sleep(REUSE_INTERVAL_MS + 100); // not a check of absence: lets the interval pass

      const replay = await refresh(after, ann.refreshToken);
      expect(replay).toEqual({ status: 400, body: { error: { message: 'Invalid token' } } });
      expect((await refresh(after, rotated.body.refresh_token!)).status).toBe(400);
      expect((await refresh(after, otherSession)).status).toBe(400);
      expect(after.logs).toContainEqual(
        expect.objectContaining({
          msg: `refresh token reuse for user ${ann.id}: all refresh tokens revoked`,
        }),
      );
      for (const secret of [ann.refreshToken, rotated.body.refresh_token!]) {
        expect(after.logText()).not.toContain(secret);
      }
    });
  });
});
