import { Injectable } from '@nestjs/common';
import type { ChannelContext } from '../channels/channel-context.js';
import { PubSub } from '../pubsub/pubsub.js';
import { type PresenceDiff, type PresenceState, PresenceTracker } from './presence-tracker.js';

export const PRESENCE_STATE = 'presence_state';
export const PRESENCE_DIFF = 'presence_diff';

/**
 * Phoenix.Presence for channels: who is on a topic, as the JS `Presence` class expects it.
 * A channel tracks itself under a key with some meta; every change is broadcast to the topic as
 * `presence_diff`, and when the channel ends (leave, crash, socket closed, …) its entries leave.
 * After a join, push the current state with `pushState(ctx)` (the JS client waits for it).
 */
@Injectable()
export class Presence {
  private readonly tracker = new PresenceTracker();
  private readonly watched = new WeakSet<ChannelContext>();

  constructor(private readonly pubsub: PubSub) {}

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

  /** Pushes `presence_state` with the topic's current presences to this channel's client. */
  pushState(ctx: ChannelContext): void {
    ctx.push(PRESENCE_STATE, this.list(ctx.topic));
  }

  private leaveAll(ctx: ChannelContext): void {
    for (const { topic, diff } of this.tracker.untrackAll(ctx)) this.announce(topic, diff);
  }

  private announce(topic: string, diff: PresenceDiff): void {
    this.pubsub.localBroadcast(topic, PRESENCE_DIFF, diff);
  }
}
