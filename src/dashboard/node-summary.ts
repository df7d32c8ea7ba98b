import type { PoolStats } from '../database/pool-stats.js';
import type { RecentEvent, TopicSize } from '../realtime/index.js';

/** Per second over the last interval; null before there are two measurements. */
export type Rate = number | null;

/**
 * One node's numbers at one instant, as the dashboard shows them. Each node measures its own
 * every second while anyone watches and publishes it on the cluster bus (`dashboard:node`);
 * the node serving a page merges what it hears into a `DashboardSnapshot`. Plain JSON.
 */
export interface NodeSummary {
  /** NODE_NAME. */
  name: string;
  /** Whether anyone watches on this node: the others keep sending theirs while one does. */
  watched: boolean;
  uptime_s: number;
  memory: { rss: number; heap_used: number; heap_total: number };
  /** Event-loop delay over the last interval, in milliseconds. */
  loop_lag_ms: { mean: number; p99: number };
  bus: {
    backend: 'local' | 'redis';
    connected: boolean;
    in_per_s: Rate;
    out_per_s: Rate;
    gaps: number;
  };
  /** This node's PostgreSQL pool. */
  db: PoolStats;
  /** Open connections by transport. */
  connections: { websocket: number; longpoll: number };
  /** Joined channels by topic prefix (this node's). */
  channels: Record<string, number>;
  /** Presence entries by topic prefix, as this node sees the cluster (replicated entries too). */
  presence: Record<string, number>;
  /** Joins (accepted or refused), client events and frames written, per second. */
  rates: { joins: Rate; messages_in: Rate; frames_out: Rate };
  /** This node's topics with the most subscribers. */
  top_topics: TopicSize[];
  /** This node's latest refusals and errors, newest first. */
  events: RecentEvent[];
}
