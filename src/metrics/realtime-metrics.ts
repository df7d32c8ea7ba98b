import type { Registry } from 'prom-client';
import type { RealtimeSnapshot } from '../realtime/index.js';
import { sampledCounter, sampledGauge, type Sample } from './sampled-metrics.js';

/**
 * The realtime layer's metrics, read from one `RealtimeSnapshot` per scrape. `topic` is always
 * a topic's prefix (before the first `:`), a bounded label set (see RealtimeCounters).
 */
export function registerRealtimeMetrics(
  registry: Registry,
  snapshot: () => RealtimeSnapshot,
): void {
  const transports = () => Object.entries(snapshot().transports);
  const topics = () => Object.entries(snapshot().topics);
  const byTopic = (pick: (t: RealtimeSnapshot['topics'][string]) => number) =>
    topics().map(([topic, stats]): Sample<'topic'> => [{ topic }, pick(stats)]);

  sampledGauge({
    registry,
    name: 'nestling_connections',
    help: 'Open connections by transport (websocket, longpoll).',
    labelNames: ['transport'],
    samples: () => transports().map(([transport, t]) => [{ transport }, t.connections]),
  });
  sampledCounter({
    registry,
    name: 'nestling_connects_total',
    help: 'Connection attempts by transport and result (ok, refused by the handshake).',
    labelNames: ['transport', 'result'],
    samples: () =>
      transports().flatMap(([transport, t]): Sample<'transport' | 'result'>[] => [
        [{ transport, result: 'ok' }, t.connectsOk],
        [{ transport, result: 'refused' }, t.connectsRefused],
      ]),
  });
  sampledGauge({
    registry,
    name: 'nestling_channels',
    help: 'Joined channels by topic prefix.',
    labelNames: ['topic'],
    samples: () => byTopic((t) => t.channels),
  });
  sampledCounter({
    registry,
    name: 'nestling_joins_total',
    help: 'Channel joins by topic prefix and result (ok, error); unmatched: no channel declares the topic.',
    labelNames: ['topic', 'result'],
    samples: () =>
      topics().flatMap(([topic, t]): Sample<'topic' | 'result'>[] => [
        [{ topic, result: 'ok' }, t.joinsOk],
        [{ topic, result: 'error' }, t.joinsError],
      ]),
  });
  sampledCounter({
    registry,
    name: 'nestling_messages_in_total',
    help: 'Client events handed to joined channels, by topic prefix.',
    labelNames: ['topic'],
    samples: () => byTopic((t) => t.messagesIn),
  });
  sampledCounter({
    registry,
    name: 'nestling_broadcasts_total',
    help: 'Broadcasts made on this node, by topic prefix (one per broadcast, not per delivery).',
    labelNames: ['topic'],
    samples: () => byTopic((t) => t.broadcasts),
  });
  sampledCounter({
    registry,
    name: 'nestling_frames_out_total',
    help: 'Frames written to clients (replies, pushes, broadcast deliveries).',
    samples: () => [[{}, snapshot().framesOut]],
  });
  sampledCounter({
    registry,
    name: 'nestling_malformed_frames_total',
    help: 'Frames that could not be decoded (the socket is closed with 1003).',
    samples: () => [[{}, snapshot().malformedFrames]],
  });
  sampledCounter({
    registry,
    name: 'nestling_socket_closes_total',
    help: 'Ended connections by close code.',
    labelNames: ['code'],
    samples: () =>
      Object.entries(snapshot().socketCloses).map(([code, count]) => [{ code }, count]),
  });
  sampledGauge({
    registry,
    name: 'nestling_presence_entries',
    help: 'Presence entries (metas) by topic prefix, on every node as this node sees them.',
    labelNames: ['topic'],
    samples: () => byTopic((t) => t.presenceEntries),
  });
  sampledGauge({
    registry,
    name: 'nestling_cluster_nodes',
    help: 'Nodes of the cluster alive as this node knows them (1 without REDIS_URL).',
    samples: () => [[{}, snapshot().clusterNodes.length]],
  });
  sampledCounter({
    registry,
    name: 'nestling_bus_messages_total',
    help: 'Cluster bus messages by direction (in: from other nodes, out: to them).',
    labelNames: ['direction'],
    samples: () => [
      [{ direction: 'in' }, snapshot().bus.messagesIn],
      [{ direction: 'out' }, snapshot().bus.messagesOut],
    ],
  });
  sampledCounter({
    registry,
    name: 'nestling_bus_gaps_total',
    help: 'Gaps seen on the cluster bus (messages lost; the channels of this node rejoined).',
    samples: () => [[{}, snapshot().bus.gaps]],
  });
}
