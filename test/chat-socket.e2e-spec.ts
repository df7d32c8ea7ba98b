import jwt from 'jsonwebtoken';
import { Socket } from 'phoenix';
import request from 'supertest';
import WebSocket from 'ws';
import { Channel, Join, RealtimeModule, type ChannelContext } from '../src/realtime/index.js';
import { ChatPrincipal } from '../src/auth/chat-principal.js';
import { Module } from '@nestjs/common';
import { PASSWORD, registerUser } from './support/chat-users.js';
import { startTestApp, TEST_ENV, type TestApp } from './support/test-app.js';
import { upgradeStatus } from './support/upgrade-status.js';

/** A channel that tells who joined, for these tests only. */
@Channel('whoami')
class WhoAmIChannel {
  @Join()
  join(_params: unknown, ctx: ChannelContext) {
    const principal = ctx.principal as ChatPrincipal;
    return { user_id: principal instanceof ChatPrincipal ? principal.userId : null };
  }
}

@Module({ imports: [RealtimeModule], providers: [WhoAmIChannel] })
class WhoAmIModule {}

describe('chat sockets', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { imports: [WhoAmIModule] });
  });
  afterAll(() => t.close());

  const socketUrl = (token: string) =>
    `${t.socketUrl}/websocket?token=${encodeURIComponent(token)}&vsn=2.0.0`;

  function connect(token: string, opts: Record<string, unknown> = {}) {
    const socket = new Socket(t.socketUrl, {
      transport: WebSocket,
      params: { token },
      reconnectAfterMs: () => 50,
      rejoinAfterMs: () => 50,
      ...opts,
    });
    socket.connect();
    return socket;
  }

  function joinWhoAmI(socket: Socket): Promise<{ user_id: string }> {
    return new Promise((resolve, reject) => {
      socket.channel('whoami', {}).join().receive('ok', resolve).receive('error', reject);
    });
  }

  it('accepts a valid access token as the connect param and as the subprotocol auth token', async () => {
    const user = await registerUser(t.url);
    const byParam = connect(user.authToken);
    expect(await joinWhoAmI(byParam)).toEqual({ user_id: user.id });
    const bySubprotocol = new Socket(t.socketUrl, {
      transport: WebSocket,
      authToken: user.authToken,
    });
    bySubprotocol.connect();
    expect(await joinWhoAmI(bySubprotocol)).toEqual({ user_id: user.id });
    await Promise.all(
      [byParam, bySubprotocol].map((s) => new Promise<void>((r) => s.disconnect(() => r()))),
    );
  });

  it('refuses missing, invalid, expired and revoked tokens with 403', async () => {
    const user = await registerUser(t.url);
    expect(await upgradeStatus(`${t.socketUrl}/websocket?vsn=2.0.0`)).toBe(403);
    expect(await upgradeStatus(socketUrl('not-a-token'))).toBe(403);
    const expired = jwt.sign(
      { sub: user.id, exp: Math.floor(Date.now() / 1000) - 5 },
      TEST_ENV.JWT_SECRET,
    );
    expect(await upgradeStatus(socketUrl(expired))).toBe(403);
    const forged = jwt.sign({ sub: user.id }, 'another-secret-that-is-long-enough-000', {
      expiresIn: 60,
    });
    expect(await upgradeStatus(socketUrl(forged))).toBe(403);
    expect(await upgradeStatus(socketUrl(user.authToken))).toBe(101);
    await request(t.url).post('/api/signout_all').set('Authorization', user.bearer).expect(204);
    expect(await upgradeStatus(socketUrl(user.authToken))).toBe(403);
  });

  it('closes the user’s open sockets with 1001 on sign-out-everywhere, and only theirs', async () => {
    const user = await registerUser(t.url);
    const other = await registerUser(t.url);
    const mine = connect(user.authToken, { reconnectAfterMs: () => 60_000 });
    const theirs = connect(other.authToken);
    await joinWhoAmI(mine);
    await joinWhoAmI(theirs);
    const closed = new Promise<number>((resolve) =>
      mine.onClose((event: { code: number }) => resolve(event.code)),
    );
    let otherClosed = false;
    theirs.onClose(() => {
      otherClosed = true;
    });

    await request(t.url).post('/api/signout_all').set('Authorization', user.bearer).expect(204);
    expect(await closed).toBe(1001);
    expect(otherClosed).toBe(false);
    await Promise.all([mine, theirs].map((s) => new Promise<void>((r) => s.disconnect(() => r()))));
  });

  it('closes sockets on a password change too', async () => {
    const user = await registerUser(t.url);
    const socket = connect(user.authToken, { reconnectAfterMs: () => 60_000 });
    await joinWhoAmI(socket);
    const closed = new Promise<number>((resolve) =>
      socket.onClose((event: { code: number }) => resolve(event.code)),
    );
    await request(t.url)
      .patch('/api/password')
      .set('Authorization', user.bearer)
      .send({
        password: PASSWORD,
        new_password: 'Another-horse-8!',
        new_password_confirmation: 'Another-horse-8!',
      })
      .expect(204);
    expect(await closed).toBe(1001);
    socket.disconnect();
  });
});
