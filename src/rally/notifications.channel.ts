import { createHmac } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { CONFIG, type Config } from '../config/config.js';
import { AppCounters } from '../metrics/app-counters.js';
import {
  Channel,
  type ChannelContext,
  ChannelReplyError,
  Join,
  On,
  Outgoing,
  type PayloadOf,
  p,
  Presence,
  PRESENCE_DIFF,
} from '../realtime/index.js';
import { PlayerPrincipal } from './player-principal.js';
import { PlayerLookup, type PlayerSummary } from './player-lookup.js';
import { RallyError } from './rally-error.js';
import { NOTIFICATION_TOPICS, NotificationsService } from './notifications.service.js';

const SHOUT_MAX_BYTES = 4096;
/** A typed nickname is echoed only this long (the stored one, ≤ 20, plus some white space). */
const ECHO_MAX = 40;
const fail = (reason: string) => new ChannelReplyError({ reason });

/**
 * The contract of every inbound event: JSON objects (binary and non-objects are refused with
 * `invalid payload`, as are strings PostgreSQL could not store); `collected` and
 * `rally-completed` name a nickname (string or null).
 */
const Payloads = {
  /** Presence is opt-in, as in Supabase Realtime: `{"config": {"presence": {"enabled": true}}}`. */
  join: p.object({
    config: p.optional(
      p.object({
        presence: p.optional(p.object({ enabled: p.optional(p.boolean(), false) }), undefined),
      }),
      undefined,
    ),
  }),
  announcement: p.object({ nickname: p.orNull(p.string()) }),
  any: p.record(),
};

type JoinPayload = PayloadOf<typeof Payloads.join>;

/**
 * `notifications` and `notifications:scans` (HoloQuest): stamp and rally announcements, shouts,
 * ping, targeted `msg`, and presence keyed by an opaque player key (never the id, which is the
 * player's credential). Presence is opt-in: a join that asks for it is tracked and gets
 * `presence_state` then `presence_diff`s; any other join (the HoloQuest client's `{}`) is not
 * tracked and gets neither, so a crowd joining at once costs no presence traffic to those who do
 * not want it.
 */
@Channel('notifications', 'notifications:*')
export class NotificationsChannel {
  private readonly limiter: RateLimiterMemory;
  private readonly socketKeys = new WeakMap<object, string>();
  private nextSocketKey = 0;

  constructor(
    private readonly players: PlayerLookup,
    private readonly notifications: NotificationsService,
    private readonly presence: Presence,
    @Inject(CONFIG) private readonly config: Config,
    private readonly counters: AppCounters,
  ) {
    this.limiter = new RateLimiterMemory({
      points: config.rally.rateLimit,
      duration: config.rally.rateWindowMs / 1000,
    });
  }

  /** The player was found at connect; only a join that asks for presence reads it again. */
  @Join(Payloads.join)
  async join(params: JoinPayload, ctx: ChannelContext): Promise<object> {
    const principal = ctx.principal;
    if (!(principal instanceof PlayerPrincipal)) throw fail('unauthorized');
    if (!(NOTIFICATION_TOPICS as readonly string[]).includes(ctx.topic))
      throw fail('unknown topic');
    if (params.config?.presence?.enabled !== true) {
      ctx.mute(PRESENCE_DIFF);
      this.notifications.register(principal.playerId, ctx);
      return {};
    }
    const player = await this.player(principal.playerId);
    this.notifications.register(player.id, ctx);
    this.presence.track(ctx, this.presenceKey(player.id), {
      nickname: player.nickname,
      online_at: String(Math.floor(Date.now() / 1000)),
    });
    this.presence.pushState(ctx);
    return {};
  }

  /** Everyone on the topic (sender included) gets `collected-broadcast {nickname}`. */
  @On('collected', Payloads.announcement)
  async collected(payload: { nickname: string | null }, ctx: ChannelContext): Promise<object> {
    const nickname = await this.announcedNickname(payload, ctx);
    ctx.broadcast('collected-broadcast', { nickname });
    this.counters.stampCollected();
    return {};
  }

  @On('rally-completed', Payloads.announcement)
  async rallyCompleted(payload: { nickname: string | null }, ctx: ChannelContext): Promise<object> {
    const nickname = await this.announcedNickname(payload, ctx);
    ctx.broadcast('rally-completed', { nickname });
    return {};
  }

  @On('ping', Payloads.any)
  ping(payload: Record<string, unknown>): object {
    return payload;
  }

  @On('pong', Payloads.any)
  pong(): object {
    return {};
  }

  /** Relayed unchanged to everyone on the topic, sender included; at most 4 KiB. */
  @On('shout', Payloads.any)
  async shout(body: Record<string, unknown>, ctx: ChannelContext): Promise<object> {
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

  /**
   * The stored nickname, or the payload's as the client typed it when its trimmed form is the
   * stored one (the client compares the broadcast with its own, untrimmed, text); the payload's
   * (trimmed, ≤ 20) only when none is stored.
   */
  private async announcedNickname(
    payload: { nickname: string | null },
    ctx: ChannelContext,
  ): Promise<string | null> {
    await this.limit(ctx);
    const player = await this.player((ctx.principal as PlayerPrincipal).playerId);
    const typed = payload.nickname;
    if (player.nickname !== null) {
      const echoed = typed !== null && typed.length <= ECHO_MAX && typed.trim() === player.nickname;
      return echoed ? typed : player.nickname;
    }
    // At most 20 characters: only the first 80 UTF-16 units are split (a payload may be huge).
    return typed === null ? null : [...typed.trim().slice(0, 80)].slice(0, 20).join('') || null;
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

  private async player(id: string): Promise<PlayerSummary> {
    const player = await this.players.find(id);
    if (player === undefined) throw RallyError.notFound(id);
    return player;
  }

  /** An opaque, stable presence key: HMAC of the player id with the server secret. */
  private presenceKey(playerId: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret)
      .update(`rally-presence:${playerId}`)
      .digest('base64url')
      .slice(0, 22);
  }
}
