import { createHmac } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { CONFIG, type Config } from '../config/config.js';
import {
  Channel,
  type ChannelContext,
  ChannelReplyError,
  Join,
  On,
  Outgoing,
  Presence,
} from '../realtime/index.js';
import { PlayerPrincipal } from './player-principal.js';
import { PlayersService } from './players.service.js';
import { NOTIFICATION_TOPICS, NotificationsService } from './notifications.service.js';

const SHOUT_MAX_BYTES = 4096;
const fail = (reason: string) => new ChannelReplyError({ reason });

function objectPayload(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw fail('invalid payload');
  return payload as Record<string, unknown>;
}

/**
 * `notifications` and `notifications:scans` (HoloQuest): stamp and rally announcements, shouts,
 * ping, targeted `msg`, and presence keyed by an opaque player key (never the id, which is the
 * player's credential).
 */
@Channel('notifications', 'notifications:*')
export class NotificationsChannel {
  private readonly limiter: RateLimiterMemory;
  private readonly socketKeys = new WeakMap<object, string>();
  private nextSocketKey = 0;

  constructor(
    private readonly players: PlayersService,
    private readonly notifications: NotificationsService,
    private readonly presence: Presence,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.limiter = new RateLimiterMemory({
      points: config.rally.rateLimit,
      duration: config.rally.rateWindowMs / 1000,
    });
  }

  @Join()
  async join(_params: unknown, ctx: ChannelContext): Promise<object> {
    const principal = ctx.principal;
    if (!(principal instanceof PlayerPrincipal)) throw fail('unauthorized');
    if (!(NOTIFICATION_TOPICS as readonly string[]).includes(ctx.topic))
      throw fail('unknown topic');
    const player = await this.players.get(principal.playerId);
    this.notifications.register(player.id, ctx);
    this.presence.track(ctx, this.presenceKey(player.id), {
      nickname: player.nickname,
      online_at: String(Math.floor(Date.now() / 1000)),
    });
    this.presence.pushState(ctx);
    return {};
  }

  /** Everyone on the topic (sender included) gets `collected-broadcast {nickname}`. */
  @On('collected')
  async collected(payload: unknown, ctx: ChannelContext): Promise<object> {
    const nickname = await this.announcedNickname(payload, ctx);
    ctx.broadcast('collected-broadcast', { nickname });
    return {};
  }

  @On('rally-completed')
  async rallyCompleted(payload: unknown, ctx: ChannelContext): Promise<object> {
    const nickname = await this.announcedNickname(payload, ctx);
    ctx.broadcast('rally-completed', { nickname });
    return {};
  }

  @On('ping')
  ping(payload: unknown): object {
    return objectPayload(payload);
  }

  @On('pong')
  pong(payload: unknown): object {
    objectPayload(payload);
    return {};
  }

  /** Relayed unchanged to everyone on the topic, sender included; at most 4 KiB. */
  @On('shout')
  async shout(payload: unknown, ctx: ChannelContext): Promise<object> {
    const body = objectPayload(payload);
    if (Buffer.byteLength(JSON.stringify(body)) > SHOUT_MAX_BYTES) throw fail('payload too large');
    await this.limit(ctx);
    ctx.broadcast('shout', body);
    return {};
  }

  @On('*')
  unknown(): never {
    throw fail('unknown event');
  }

  /** `msg` reaches only the sockets of the player it names. */
  @Outgoing('msg')
  targeted(payload: { user_id?: unknown }, ctx: ChannelContext): unknown {
    const principal = ctx.principal;
    return principal instanceof PlayerPrincipal && payload.user_id === principal.playerId
      ? payload
      : undefined;
  }

  /** The stored nickname; the payload's (trimmed, ≤ 20) only when none is stored. */
  private async announcedNickname(payload: unknown, ctx: ChannelContext): Promise<string | null> {
    const body = objectPayload(payload);
    if (!('nickname' in body)) throw fail('invalid payload');
    await this.limit(ctx);
    const player = await this.players.get((ctx.principal as PlayerPrincipal).playerId);
    if (player.nickname !== null) return player.nickname;
    return typeof body.nickname === 'string'
      ? [...body.nickname.trim()].slice(0, 20).join('') || null
      : null;
  }

  private async limit(ctx: ChannelContext): Promise<void> {
    let key = this.socketKeys.get(ctx.socket);
    if (key === undefined)
      this.socketKeys.set(ctx.socket, (key = `socket:${++this.nextSocketKey}`));
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw fail('rate limited');
      throw rejection;
    }
  }

  /** An opaque, stable presence key: HMAC of the player id with the server secret. */
  private presenceKey(playerId: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret)
      .update(`rally-presence:${playerId}`)
      .digest('base64url')
      .slice(0, 22);
  }
}
