import { describe, expect, it } from '@jest/globals';
import { clusterSnapshot } from './cluster-snapshot.js';
import type { NodeSummary } from './node-summary.js';

function summary(name: string, overrides: Partial<NodeSummary> = {}): NodeSummary {
  return {
    name,
    watched: false,
    uptime_s: 60,
    memory: { rss: 100, heap_used: 40, heap_total: 50 },
    loop_lag_ms: { mean: 0.5, p99: 2 },
    bus: { backend: 'redis', connected: true, in_per_s: 3, out_per_s: 2, gaps: 0 },
    db: { idle: 2, busy: 1, waiting: 0 },
    connections: { websocket: 0, longpoll: 0 },
    channels: {},
    presence: {},
    rates: { joins: null, messages_in: null, frames_out: null },
    top_topics: [],
    events: [],
    ...overrides,
  };
}

describe('clusterSnapshot', () => {
  it('sums connections, channels and rates over the nodes, and lists the nodes by name', () => {
    const own = summary('node2', {
      connections: { websocket: 10, longpoll: 1 },
      channels: { conversation: 4, user: 10 },
      rates: { joins: 1.5, messages_in: 10, frames_out: null },
    });
    const other = summary('node1', {
      connections: { websocket: 5, longpoll: 0 },
      channels: { conversation: 1, notifications: 3 },
      rates: { joins: 0.25, messages_in: 2, frames_out: null },
    });
    const snapshot = clusterSnapshot(own, [other], 'prod', 1000);
    expect(snapshot).toMatchObject({
      at: 1000,
      cluster: 'prod',
      node: 'node2',
      connections: { websocket: 15, longpoll: 1 },
      channels: { conversation: 5, user: 10, notifications: 3 },
      rates: { joins: 1.75, messages_in: 12, frames_out: null },
    });
    expect(snapshot.nodes.map((node) => node.name)).toEqual(['node1', 'node2']);
    expect(snapshot.nodes[1]).toEqual({
      name: 'node2',
      uptime_s: 60,
      memory: own.memory,
      loop_lag_ms: own.loop_lag_ms,
      bus: own.bus,
      db: own.db,
      connections: own.connections,
    });
  });

  it("takes presence from the serving node, whose view holds every node's entries", () => {
    const own = summary('node1', { presence: { system: 7 } });
    const other = summary('node2', { presence: { system: 7 } });
    expect(clusterSnapshot(own, [other], 'c', 0).presence).toEqual({ system: 7 });
  });

  it('sums the subscribers of each topic, then keeps the ten busiest', () => {
    const topics = (n: number, offset = 0) =>
      Array.from({ length: n }, (_, i) => ({ topic: `room:${i + offset}`, subscribers: i + 1 }));
    const own = summary('a', { top_topics: topics(10) });
    const other = summary('b', {
      top_topics: [{ topic: 'room:0', subscribers: 100 }, ...topics(3, 20)],
    });
    const top = clusterSnapshot(own, [other], 'c', 0).top_topics;
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ topic: 'room:0', subscribers: 101 });
    expect(top[1]).toEqual({ topic: 'room:9', subscribers: 10 });
  });

  it("merges the nodes' latest events, newest first, each with its node", () => {
    const event = (at: number) => ({ kind: 'join_refused' as const, at, topic: 't', reason: 'r' });
    const own = summary('a', { events: [event(30), event(10)] });
    const other = summary('b', { events: [event(20)] });
    const events = clusterSnapshot(own, [other], 'c', 0).events;
    expect(events.map((e) => [e.at, e.node])).toEqual([
      [30, 'a'],
      [20, 'b'],
      [10, 'a'],
    ]);
  });
});
