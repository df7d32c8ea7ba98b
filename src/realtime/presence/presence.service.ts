import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/config.js';
import type { ChannelContext } from '../channels/channel-context.js';
import { PubSub } from '../pubsub/pubsub.js';
import { EncodedJson } from '../transport/message.js';
import { PresenceBatcher } from './presence-batcher.js';
import { type PresenceDiff, type PresenceState, PresenceTracker } from './presence-tracker.js';

export const PRESENCE_STATE = 'presence_state';
export const PRESENCE_DIFF = 'presence_diff';

/**
 * Phoenix.Presence for channels: who is on a topic, as the JS `Presence` class expects it.
 * A channel tracks itself under a key with some meta; changes are broadcast to the topic as
 * `presence_diff`, and when the channel ends (leave, crash, socket closed, …) its entries leave.
 * After a join, push the current state with `pushState(ctx)` (the JS client waits for it).
 *
 * `list` is always current. What clients are told is batched per topic (`PresenceBatcher`): a
 * change to a quiet topic is sent at the end of the event-loop turn; changes within
 * PRESENCE_BATCH_MS of the last send are merged into one diff, and every `presence_state` asked
 * for meanwhile is encoded once, so that thousands of sockets joining one topic do not cost a
 * diff to everyone per join.
 */
@Injectable()
export class Presence implements OnModuleDestroy {
  private readonly tracker = new PresenceTracker();
  private readonly watched = new WeakSet<ChannelContext>();
  private readonly batcher: PresenceBatcher<ChannelContext>;

  constructor(
    private readonly pubsub: PubSub,
    @Inject(CONFIG) config: Config,
  ) {
    this.batcher = new PresenceBatcher<ChannelContext>(
      {
        sendState: (topic, recipients) => this.sendState(topic, recipients),
        sendDiff: (topic, diff) => this.pubsub.localBroadcast(topic, PRESENCE_DIFF, diff),
      },
      config.realtime.presenceBatchMs,
    );
  }

  onModuleDestroy(): void {
    this.batcher.close();
  }

  /** Tracks this channel under `key`; returns the meta's `phx_ref`. */
  track(ctx: ChannelContext, key: string, meta: Record<string, unknown> = {}): string {
    const { ref, diff } = this.tracker.track(ctx.topic, ctx, String(key), meta);
    if (!this.watched.has(ctx)) {
      this.watched.add(ctx);
      ctx.onTerminate(() => this.leaveAll(ctx));
    }
    this.announce(ctx.topic, diff);
    return ref;
  }

  /** Replaces the meta (new `phx_ref`, `phx_ref_prev` = old); undefined when not tracked. */
  update(
    ctx: ChannelContext,
    key: string,
    meta: Record<string, unknown> | ((current: Record<string, unknown>) => Record<string, unknown>),
  ): string | undefined {
    const result = this.tracker.update(ctx.topic, ctx, String(key), meta);
    if (result === undefined) return undefined;
    this.announce(ctx.topic, result.diff);
    return result.ref;
  }

  untrack(ctx: ChannelContext, key: string): void {
    const diff = this.tracker.untrack(ctx.topic, ctx, String(key));
    if (diff !== undefined) this.announce(ctx.topic, diff);
  }

  list(topic: string): PresenceState {
    return this.tracker.list(topic);
  }

  /**
   * Pushes `presence_state` with the topic's presences to this channel's client, at the end of
   * the current batch (so after a join's reply), before that batch's diff.
   */
  pushState(ctx: ChannelContext): void {
    this.batcher.state(ctx.topic, ctx);
  }

  private leaveAll(ctx: ChannelContext): void {
    for (const { topic, diff } of this.tracker.untrackAll(ctx)) this.announce(topic, diff);
  }

  private announce(topic: string, diff: PresenceDiff): void {
    this.batcher.diff(topic, diff);
  }

  private sendState(topic: string, recipients: ReadonlySet<ChannelContext>): void {
    let state: EncodedJson | undefined;
    for (const ctx of recipients) {
      if (!ctx.alive) continue;
      state ??= EncodedJson.of(this.tracker.list(topic));
      ctx.push(PRESENCE_STATE, state);
    }
  }
}
