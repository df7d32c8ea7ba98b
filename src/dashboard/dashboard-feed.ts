import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';
import { type ChannelContext, ClusterBus, RealtimeEndpoint } from '../realtime/index.js';
import { clusterSnapshot, type DashboardSnapshot } from './cluster-snapshot.js';
import { NodeMeter } from './node-meter.js';
import type { NodeSummary } from './node-summary.js';

export const DASHBOARD_TOPIC = 'admin:dashboard';
export const SNAPSHOT_EVENT = 'snapshot';
/** The bus message kind of a node's summary. */
export const NODE_SUMMARY = 'dashboard:node';

const INTERVAL_MS = 1000;
/** A node that sent nothing for this long is left out (stopped, or nobody watches any more). */
const STALE_MS = 3000;

/**
 * Feeds the `admin:dashboard` channel: one timer for the whole node, running only while someone
 * watches. Every second it measures this node and, with several nodes, publishes that summary
 * on the bus; the others, hearing that someone watches, publish theirs every second too, for
 * as long as it goes on. The node merges what it heard into one snapshot and broadcasts it to
 * its own watchers (encoded once for all of them).
 */
@Injectable()
export class DashboardFeed implements OnModuleDestroy {
  private readonly logger = new Logger('Dashboard');
  private readonly watchers = new Set<ChannelContext>();
  private readonly others = new Map<string, { summary: NodeSummary; heardAt: number }>();
  /** Until when another node's watchers want this node's summary. */
  private wantedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private latest: DashboardSnapshot | undefined;

  constructor(
    private readonly meter: NodeMeter,
    private readonly bus: ClusterBus,
    private readonly endpoint: RealtimeEndpoint,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    if (bus.clustered) bus.on(NODE_SUMMARY, (message) => this.receive(message));
  }

  /** Whether the node's timer runs (someone watches here, or on another node). */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** A watcher joined: it is fed until its channel ends. Returns the snapshot to push at once. */
  watch(ctx: ChannelContext): DashboardSnapshot {
    this.watchers.add(ctx);
    ctx.onTerminate(() => this.watchers.delete(ctx));
    this.start();
    const now = Date.now();
    if (this.latest !== undefined && now - this.latest.at < INTERVAL_MS) return this.latest;
    return this.snapshot(this.meter.measure(true, now), now);
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private start(): void {
    if (this.timer !== undefined) return;
    this.meter.start();
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.meter.stop();
    this.latest = undefined;
    this.others.clear();
  }

  private tick(): void {
    const now = Date.now();
    const watched = this.watchers.size > 0;
    if (!watched && now >= this.wantedUntil) return this.stop();
    const own = this.meter.measure(watched, now);
    if (this.bus.clustered) this.bus.publish(NODE_SUMMARY, Buffer.from(JSON.stringify(own)));
    if (!watched) return;
    this.latest = this.snapshot(own, now);
    this.endpoint.localBroadcast(DASHBOARD_TOPIC, SNAPSHOT_EVENT, this.latest);
  }

  private snapshot(own: NodeSummary, now: number): DashboardSnapshot {
    const others: NodeSummary[] = [];
    for (const [name, { summary, heardAt }] of this.others) {
      if (now - heardAt > STALE_MS) this.others.delete(name);
      else others.push(summary);
    }
    return clusterSnapshot(own, others, this.config.cluster.name, now);
  }

  private receive({ origin, body }: { origin: { name: string }; body: Buffer }): void {
    let summary: NodeSummary;
    try {
      summary = JSON.parse(body.toString('utf8')) as NodeSummary;
    } catch {
      this.logger.warn(`unreadable dashboard summary from ${origin.name}`);
      return;
    }
    if (!summary.watched && !this.running) return; // nobody here to show it to
    const now = Date.now();
    this.others.set(origin.name, { summary: { ...summary, name: origin.name }, heardAt: now });
    if (!summary.watched) return;
    this.wantedUntil = now + STALE_MS;
    this.start();
  }
}
