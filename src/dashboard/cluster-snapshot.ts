import type { RecentEvent, TopicSize } from '../realtime/index.js';
import { LATEST_EVENTS, TOP_TOPICS } from './node-meter.js';
import type { NodeSummary, Rate } from './node-summary.js';
import { round } from './rates.js';

/** A node's row in the dashboard's table. */
export type NodeRow = Pick<
  NodeSummary,
  'name' | 'uptime_s' | 'memory' | 'loop_lag_ms' | 'bus' | 'db' | 'connections'
>;

/** What the `admin:dashboard` channel pushes every second (`snapshot`): the whole cluster. */
export interface DashboardSnapshot {
  /** When it was made (ms since the epoch, the serving node's clock). */
  at: number;
  /** CLUSTER_NAME. */
  cluster: string;
  /** The node serving this page. */
  node: string;
  /** Every node heard from, by name. */
  nodes: NodeRow[];
  connections: { websocket: number; longpoll: number };
  channels: Record<string, number>;
  presence: Record<string, number>;
  rates: NodeSummary['rates'];
  /** The busiest topics, subscribers summed over the nodes (each reports its own busiest). */
  top_topics: TopicSize[];
  /** The latest refusals and errors of every node, newest first. */
  events: Array<RecentEvent & { node: string }>;
}

/**
 * Merges this node's summary with the other nodes' (fresh ones only, the caller's choice) into
 * what the page shows. Counts of the cluster are sums; presence is this node's view, which
 * already holds every node's entries.
 */
export function clusterSnapshot(
  own: NodeSummary,
  others: readonly NodeSummary[],
  cluster: string,
  at: number,
): DashboardSnapshot {
  const all = [own, ...others];
  return {
    at,
    cluster,
    node: own.name,
    nodes: all
      .map(({ name, uptime_s, memory, loop_lag_ms, bus, db, connections }) => ({
        name,
        uptime_s,
        memory,
        loop_lag_ms,
        bus,
        db,
        connections,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    connections: {
      websocket: sum(all.map((node) => node.connections.websocket)),
      longpoll: sum(all.map((node) => node.connections.longpoll)),
    },
    channels: sumCounts(all.map((node) => node.channels)),
    presence: own.presence,
    rates: {
      joins: sumRates(all.map((node) => node.rates.joins)),
      messages_in: sumRates(all.map((node) => node.rates.messages_in)),
      frames_out: sumRates(all.map((node) => node.rates.frames_out)),
    },
    top_topics: busiest(all.map((node) => node.top_topics)),
    events: all
      .flatMap((node) => node.events.map((event) => ({ ...event, node: node.name })))
      .sort((a, b) => b.at - a.at)
      .slice(0, LATEST_EVENTS),
  };
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** Null only when no node has a rate yet. */
function sumRates(rates: Rate[]): Rate {
  const known = rates.filter((rate): rate is number => rate !== null);
  return known.length === 0 ? null : round(sum(known));
}

function sumCounts(counts: Array<Record<string, number>>): Record<string, number> {
  const total = new Map<string, number>();
  for (const record of counts) {
    for (const [key, value] of Object.entries(record))
      total.set(key, (total.get(key) ?? 0) + value);
  }
  return Object.fromEntries(total);
}

function busiest(lists: TopicSize[][]): TopicSize[] {
  const subscribers = new Map<string, number>();
  for (const { topic, subscribers: n } of lists.flat()) {
    subscribers.set(topic, (subscribers.get(topic) ?? 0) + n);
  }
  return [...subscribers]
    .map(([topic, n]) => ({ topic, subscribers: n }))
    .sort((a, b) => b.subscribers - a.subscribers || a.topic.localeCompare(b.topic))
    .slice(0, TOP_TOPICS);
}
