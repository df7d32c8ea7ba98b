import { Injectable } from '@nestjs/common';
import { ClusterBus, type BusTraffic } from '../cluster/cluster-bus.js';
import { Presence } from '../presence/presence.service.js';
import { PubSub, type TopicSize } from '../pubsub/pubsub.js';
import { isSocketIdTopic } from '../transport/connection.js';
import type { RecentEvent } from './recent-events.js';
import {
  RealtimeCounters,
  type TopicCounts,
  type TransportCounts,
  type TransportName,
} from './realtime-counters.js';

/** Counts of one topic prefix, presence entries (on every node) included. */
export interface TopicStats extends TopicCounts {
  presenceEntries: number;
}

/** This node's realtime numbers at one instant (plain JSON). */
export interface RealtimeSnapshot {
  /** This node's name (NODE_NAME). */
  node: string;
  /** Nodes known alive: this one first, then those presence replication hears from. */
  clusterNodes: string[];
  transports: Record<TransportName, TransportCounts>;
  /** By topic prefix (`unmatched`: joins of topics no channel declares; `other`: past the cap). */
  topics: Record<string, TopicStats>;
  framesOut: number;
  malformedFrames: number;
  /** Socket closes by close code. */
  socketCloses: Record<string, number>;
  /** Messages this node received from and sent to the bus, and gaps seen (zero without Redis). */
  bus: BusTraffic;
  /** The last refusals and errors, newest first. */
  recent: RecentEvent[];
}

const EMPTY_TOPIC: TopicStats = {
  channels: 0,
  joinsOk: 0,
  joinsError: 0,
  messagesIn: 0,
  broadcasts: 0,
  presenceEntries: 0,
};

/**
 * The realtime layer's numbers for operators (GET /metrics, the dashboard): the counters kept
 * as things happen (`RealtimeCounters`) plus what is read when asked (presence entries, the
 * cluster's nodes, the busiest topics). Nothing here runs on the delivery path.
 */
@Injectable()
export class RealtimeStats {
  constructor(
    private readonly counters: RealtimeCounters,
    private readonly presence: Presence,
    private readonly bus: ClusterBus,
    private readonly pubsub: PubSub,
  ) {}

  snapshot(): RealtimeSnapshot {
    const { counters } = this;
    const topics = new Map<string, TopicStats>();
    const stats = (label: string): TopicStats => {
      let entry = topics.get(label);
      if (entry === undefined) {
        entry = { ...EMPTY_TOPIC };
        topics.set(label, entry);
      }
      return entry;
    };
    for (const [label, counts] of counters.topics) Object.assign(stats(label), counts);
    for (const [topic, entries] of this.presence.entryCounts()) {
      stats(counters.topicLabel(topic)).presenceEntries += entries;
    }
    return {
      node: this.bus.self.name,
      clusterNodes: this.presence.nodes(),
      transports: {
        websocket: { ...counters.transports.websocket },
        longpoll: { ...counters.transports.longpoll },
      },
      topics: Object.fromEntries(topics),
      framesOut: counters.framesOut,
      malformedFrames: counters.malformedFrames,
      socketCloses: Object.fromEntries(counters.closes),
      bus: { ...counters.bus },
      recent: counters.recent.list(),
    };
  }

  /**
   * This node's `limit` topics with the most subscribers (full topic names: for operators, not
   * for metric labels). Walks every topic: call it for a page, not per message.
   */
  busiestTopics(limit = 10): TopicSize[] {
    return this.pubsub.busiestTopics(limit, (topic) => !isSocketIdTopic(topic));
  }
}
