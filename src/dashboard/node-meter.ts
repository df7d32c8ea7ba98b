import { Injectable } from '@nestjs/common';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { poolStats } from '../database/pool-stats.js';
import { ClusterBus, RealtimeStats, type RealtimeSnapshot } from '../realtime/index.js';
import type { NodeSummary } from './node-summary.js';
import { Rates, round } from './rates.js';

/** How many of the busiest topics and of the latest events a node reports. */
export const TOP_TOPICS = 10;
export const LATEST_EVENTS = 20;

const NS_PER_MS = 1e6;
/** The event-loop histogram's sampling interval (ms); each sample includes it, so it is taken off. */
const LOOP_RESOLUTION_MS = 100;

/**
 * Measures this node for the dashboard: RealtimeStats, memory, event-loop delay, the bus and
 * the database pool. Runs only while the dashboard feed does (`start`/`stop`): the event-loop
 * histogram is off otherwise.
 */
@Injectable()
export class NodeMeter {
  private readonly rates = new Rates<
    'joins' | 'messages_in' | 'frames_out' | 'bus_in' | 'bus_out'
  >();
  private loopDelay: IntervalHistogram | undefined;

  constructor(
    private readonly stats: RealtimeStats,
    private readonly bus: ClusterBus,
    private readonly dataSource: DataSource,
  ) {}

  start(): void {
    this.rates.reset();
    this.loopDelay ??= monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loopDelay.enable();
  }

  stop(): void {
    this.loopDelay?.disable();
    this.loopDelay?.reset();
  }

  /** This node now; rates are per second since the previous call. */
  measure(watched: boolean, now = Date.now()): NodeSummary {
    const snapshot = this.stats.snapshot();
    const rates = this.rates.next(totalsOf(snapshot), now);
    const memory = process.memoryUsage();
    const status = this.bus.status();
    return {
      name: snapshot.node,
      watched,
      uptime_s: Math.round(process.uptime()),
      memory: { rss: memory.rss, heap_used: memory.heapUsed, heap_total: memory.heapTotal },
      loop_lag_ms: this.loopLag(),
      bus: {
        backend: status.backend,
        connected: status.connected,
        in_per_s: rates.bus_in,
        out_per_s: rates.bus_out,
        gaps: snapshot.bus.gaps,
      },
      db: poolStats(this.dataSource),
      connections: {
        websocket: snapshot.transports.websocket.connections,
        longpoll: snapshot.transports.longpoll.connections,
      },
      channels: byPrefix(snapshot, (topic) => topic.channels),
      presence: byPrefix(snapshot, (topic) => topic.presenceEntries),
      rates: { joins: rates.joins, messages_in: rates.messages_in, frames_out: rates.frames_out },
      top_topics: this.stats.busiestTopics(TOP_TOPICS),
      events: snapshot.recent.slice(0, LATEST_EVENTS),
    };
  }

  /** Mean and p99 since the previous call, in ms (0 before any sample). */
  private loopLag(): NodeSummary['loop_lag_ms'] {
    const histogram = this.loopDelay;
    if (histogram === undefined || histogram.count === 0) return { mean: 0, p99: 0 };
    const lag = {
      mean: delayMs(histogram.mean),
      p99: delayMs(histogram.percentile(99)),
    };
    histogram.reset();
    return lag;
  }
}

/** A sample of the histogram (ns) as the loop's delay beyond the sampling interval (ms). */
const delayMs = (ns: number): number => round(Math.max(0, ns / NS_PER_MS - LOOP_RESOLUTION_MS));

function totalsOf(snapshot: RealtimeSnapshot) {
  let joins = 0;
  let messagesIn = 0;
  for (const topic of Object.values(snapshot.topics)) {
    joins += topic.joinsOk + topic.joinsError;
    messagesIn += topic.messagesIn;
  }
  return {
    joins,
    messages_in: messagesIn,
    frames_out: snapshot.framesOut,
    bus_in: snapshot.bus.messagesIn,
    bus_out: snapshot.bus.messagesOut,
  };
}

/** The non-zero values of one count, by topic prefix. */
function byPrefix(
  snapshot: RealtimeSnapshot,
  count: (topic: RealtimeSnapshot['topics'][string]) => number,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [prefix, topic] of Object.entries(snapshot.topics)) {
    const value = count(topic);
    if (value > 0) counts[prefix] = value;
  }
  return counts;
}
