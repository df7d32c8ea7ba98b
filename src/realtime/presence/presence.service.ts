import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CONFIG, type Config } from '../../config/config.js';
import type { ChannelContext } from '../channels/channel-context.js';
import { ClusterBus } from '../cluster/cluster-bus.js';
import { PubSub } from '../pubsub/pubsub.js';
import { EncodedJson } from '../transport/message.js';
import { PresenceBatcher } from './presence-batcher.js';
import { PRESENCE_KINDS, PresenceReplication } from './presence-replication.js';
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
 *
 * With several nodes (REDIS_URL), each node owns the entries of its own channels and replicates
 * them to the others (`PresenceReplication`): `list` and `presence_state` are the union of every
 * node's entries, and each node sends `presence_diff` to its own subscribers, for changes made
 * on any node. Without REDIS_URL none of that runs.
 */
@Injectable()
export class Presence implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Presence');
  private readonly tracker = new PresenceTracker();
  private readonly watched = new WeakSet<ChannelContext>();
  private readonly batcher: PresenceBatcher<ChannelContext>;
  private readonly replication: PresenceReplication | undefined;

  constructor(
    private readonly pubsub: PubSub,
    @Inject(CONFIG) config: Config,
    private readonly bus: ClusterBus,
  ) {
    this.batcher = new PresenceBatcher<ChannelContext>(
      {
        sendState: (topic, recipients) => this.sendState(topic, recipients),
        sendDiff: (topic, diff) => this.pubsub.localBroadcast(topic, PRESENCE_DIFF, diff),
      },
      config.realtime.presenceBatchMs,
    );
    if (!bus.clustered) return;
    const replication = new PresenceReplication({
      bus,
      heartbeatMs: config.cluster.presenceHeartbeatMs,
      downMs: config.cluster.presenceDownMs,
      local: this.tracker,
      changed: ({ topic, diff }) => this.remoteChange(topic, diff),
      logger: this.logger,
    });
    for (const kind of Object.values(PRESENCE_KINDS)) {
      bus.on(kind, (message) => replication.receive(message));
    }
    bus.onGap((origin) => {
      if (origin === undefined) replication.busLost();
    });
    this.replication = replication;
  }

  onModuleInit(): void {
    this.replication?.start();
  }

  onModuleDestroy(): void {
    this.batcher.close();
    // Still connected (nobody called leaveCluster first): tell the others now.
    if (this.bus.status().connected) this.leaveCluster();
    else this.replication?.stop();
  }

  /**
   * Announces at once that this node is leaving: every other node drops its presences now
   * (rather than after PRESENCE_DOWN_MS of silence). Call it first on a graceful shutdown; this
   * node replicates nothing afterwards. No-op with one node, and when called again.
   */
  leaveCluster(): void {
    this.replication?.leave();
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

  /** Everybody on `topic`, on every node. */
  list(topic: string): PresenceState {
    const state = this.tracker.list(topic);
    this.replication?.addRemote(topic, state);
    return state;
  }

  /** Metas per topic, on every node (operators' counts; walks every topic). */
  entryCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    this.tracker.countEntries(counts);
    this.replication?.countEntries(counts);
    return counts;
  }

  /** The cluster's live nodes as presence replication knows them: this one first. */
  nodes(): string[] {
    return [this.bus.self.name, ...(this.replication?.nodeNames() ?? [])];
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
    this.replication?.recordLocal(topic, diff); // before the batcher, which takes the diff over
    this.batcher.diff(topic, diff);
  }

  /** Another node's entries changed: this node's subscribers are told. */
  private remoteChange(topic: string, diff: PresenceDiff): void {
    if (this.pubsub.localSubscriberCount(topic) > 0) this.batcher.diff(topic, diff);
  }

  private sendState(topic: string, recipients: ReadonlySet<ChannelContext>): void {
    let state: EncodedJson | undefined;
    try {
      for (const ctx of recipients) {
        if (!ctx.alive) continue;
        state ??= EncodedJson.of(this.list(topic));
        ctx.push(PRESENCE_STATE, state);
      }
    } catch (error) {
      // Runs from a timer: a state that cannot be encoded must not take the process down.
      this.logger.error(`presence_state on ${topic} not sent: ${(error as Error).message}`);
    }
  }
}
