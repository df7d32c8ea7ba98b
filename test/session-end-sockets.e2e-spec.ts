import type { Socket } from 'phoenix';
import request from 'supertest';
import { PASSWORD, registerUser, type RegisteredUser, uniqueEmail } from './support/chat-users.js';
import { mailedToken } from './support/mailed-token.js';
import { connect, disconnectAll, join, leave, nextCloseCode } from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NEW_PASSWORD = 'Another-horse-8!';

describe('password reset and email change close the user’s live sockets with 1001', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => disconnectAll());
  afterAll(() => t.close());

  /** A connected phoenix socket of `user` that does not reconnect within a test. */
  const online = (user: RegisteredUser): Promise<Socket> =>
    connect(t.socketUrl, { params: { token: user.authToken }, reconnectAfterMs: () => 60_000 });

  /** Runs `action` with `user` and a bystander online; the user's socket closes with 1001. */
  async function expectSocketsClosedBy(
    user: RegisteredUser,
    action: () => Promise<unknown>,
  ): Promise<void> {
    const bystander = await registerUser(t.url);
    const [mine, theirs] = await Promise.all([online(user), online(bystander)]);
    const closed = nextCloseCode(mine);
    await action();
    expect(await closed).toBe(1001);
    // The bystander's socket still serves: a join round-trips on it.
    const channel = theirs.channel(`user:${bystander.id}`, { token: bystander.authToken });
    await expect(join(channel)).resolves.toEqual({});
    await leave(channel);
  }

  it('on a password reset', async () => {
    const ann = await registerUser(t.url);
    await expectSocketsClosedBy(ann, async () => {
      await request(t.url).post('/auth/password/request').send({ email: ann.email }).expect(204);
      const token = await mailedToken(t.url, ann.email, 'password_reset');
      await request(t.url)
        .post('/auth/password/reset')
        .send({ token, new_password: NEW_PASSWORD, new_password_confirmation: NEW_PASSWORD })
        .expect(204);
    });
  });

  it('on an email change', async () => {
    const bob = await registerUser(t.url);
    await expectSocketsClosedBy(bob, async () => {
      await request(t.url)
        .post('/api/token/email_change')
        .set('Authorization', bob.bearer)
        .expect(204);
      const token = await mailedToken(t.url, bob.email, 'email_change');
      await request(t.url)
        .patch('/api/email')
        .set('Authorization', bob.bearer)
        .send({ token, email: uniqueEmail('moved'), password: PASSWORD })
        .expect(204);
    });
  });
});
