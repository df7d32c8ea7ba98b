import { Module } from '@nestjs/common';
import {
  accept,
  Authenticator,
  Binary,
  binary,
  Channel,
  type ChannelContext,
  type ConnectRequest,
  type ConnectResult,
  error,
  Join,
  noReply,
  On,
  Outgoing,
  Presence,
  refuse,
  RealtimeModule,
  reply,
  type SocketAuthenticator,
  Terminate,
  type TerminateReason,
} from '../../src/realtime/index.js';

/** Test principal: who connected. */
export interface TestUser {
  user: string;
  via: 'params' | 'authToken';
}

/**
 * Accepts `?user=<name>` (socket id `user:<name>`), or the subprotocol auth token
 * `token-for-<name>`; `?refuse=<status>` refuses with that status; anything else: not mine.
 * Asked before the product authenticators (priority 100), so the product's rules don't apply.
 */
@Authenticator({ priority: 100 })
export class TestAuthenticator implements SocketAuthenticator {
  authenticate(request: ConnectRequest): ConnectResult {
    const { params, authToken } = request;
    if (typeof params.refuse === 'string') return refuse(Number(params.refuse));
    if (authToken !== undefined) {
      const match = /^token-for-(\w+)$/.exec(authToken);
      return match ? accept({ user: match[1], via: 'authToken' }, `user:${match[1]}`) : refuse();
    }
    if (typeof params.user === 'string')
      return accept({ user: params.user, via: 'params' }, `user:${params.user}`);
    return undefined;
  }
}

/** Records terminate calls so tests can assert them. */
export class TerminateLog {
  readonly entries: Array<{ topic: string; reason: TerminateReason }> = [];
}

export const terminateLog = new TerminateLog();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Channel('room:*')
export class RoomChannel {
  @Join()
  join(params: Record<string, unknown>, ctx: ChannelContext<TestUser>) {
    if (params.deny) return error({ reason: 'unauthorized' });
    if (params.crash) throw new Error('join exploded');
    if (params.welcome) ctx.push('welcome', { to: ctx.principal.user });
    return { joined: ctx.topic, user: ctx.principal.user };
  }

  @On('echo')
  echo(payload: unknown) {
    return { echo: payload };
  }

  @On('fail')
  fail() {
    return error({ reason: 'nope' });
  }

  @On('custom')
  custom(payload: { status: string }) {
    return reply(payload.status, { custom: true });
  }

  @On('silent')
  silent() {
    return noReply();
  }

  @On('shout')
  shout(payload: Record<string, unknown>, ctx: ChannelContext) {
    ctx.broadcast('shout', payload);
  }

  @On('shout_from')
  shoutFrom(payload: Record<string, unknown>, ctx: ChannelContext) {
    ctx.broadcastFrom('shout', payload);
  }

  @On('filtered')
  filtered(payload: Record<string, unknown>, ctx: ChannelContext) {
    ctx.broadcast('filtered', payload);
  }

  @On('push_me')
  pushMe(payload: Record<string, unknown>, ctx: ChannelContext) {
    ctx.push('pushed', payload);
  }

  @On('upload')
  upload(payload: unknown) {
    if (!(payload instanceof Binary)) return error({ reason: 'expected binary' });
    return binary(Buffer.from([...payload.bytes].reverse()));
  }

  @On('upload_size')
  uploadSize(payload: unknown) {
    if (!(payload instanceof Binary)) return error({ reason: 'expected binary' });
    return { size: payload.bytes.length, bytes: [...payload.bytes] };
  }

  @On('binary_push')
  binaryPush(_payload: unknown, ctx: ChannelContext) {
    ctx.push('image', binary(Buffer.from([0xff, 0xd8])));
  }

  @On('binary_broadcast')
  binaryBroadcast(_payload: unknown, ctx: ChannelContext) {
    ctx.broadcast('tick', binary(Buffer.from([0x2a])));
  }

  @On('boom')
  boom() {
    throw new Error('handler exploded');
  }

  @On('slow')
  async slow(payload: { ms: number; n: number }) {
    await sleep(payload.ms);
    return { n: payload.n };
  }

  @On('close_me')
  closeMe(_payload: unknown, ctx: ChannelContext) {
    ctx.close();
    return { closing: true };
  }

  /** Outgoing hook: `filtered` is not delivered to `payload.skip`, and is stamped for others. */
  @Outgoing('filtered')
  outgoing(payload: Record<string, unknown>, ctx: ChannelContext<TestUser>) {
    if (payload.skip === ctx.principal.user) return undefined;
    return { ...payload, for: ctx.principal.user };
  }

  @Terminate()
  terminate(reason: TerminateReason, ctx: ChannelContext) {
    terminateLog.entries.push({ topic: ctx.topic, reason });
  }
}

@Channel('presence:*')
export class PresenceChannel {
  constructor(private readonly presence: Presence) {}

  @Join()
  join(params: { meta?: Record<string, unknown> }, ctx: ChannelContext<TestUser>) {
    this.presence.track(ctx, ctx.principal.user, params.meta ?? {});
    this.presence.pushState(ctx);
  }

  @On('update_meta')
  update(payload: Record<string, unknown>, ctx: ChannelContext<TestUser>) {
    this.presence.update(ctx, ctx.principal.user, payload);
  }

  @On('untrack')
  untrack(_payload: unknown, ctx: ChannelContext<TestUser>) {
    this.presence.untrack(ctx, ctx.principal.user);
  }

  @On('boom')
  boom() {
    throw new Error('presence channel exploded');
  }
}

@Channel('exact:topic')
export class ExactChannel {
  @On('*')
  any(payload: unknown, _ctx: ChannelContext, event: string) {
    return { event, payload };
  }
}

@Module({
  imports: [RealtimeModule],
  providers: [TestAuthenticator, RoomChannel, PresenceChannel, ExactChannel],
})
export class TestChannelsModule {}
