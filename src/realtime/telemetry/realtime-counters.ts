import { Injectable } from '@nestjs/common';
import type { SocketInfo } from '../channels/socket-info.js';
import type { BusTraffic } from '../cluster/cluster-bus.js';
import { BoundedLabels, topicPrefix } from './bounded-labels.js';
import { RecentEvents } from './recent-events.js';

export type TransportName = SocketInfo['transport'];
export const TRANSPORTS: readonly TransportName[] = ['websocket', 'longpoll'];

/** The topic label of a join to a topic that no channel declares (never the topic's text). */
export const UNMATCHED_TOPIC = 'unmatched';

/** Close codes of connections that ended as they should (1005: the client gave no code). */
const NORMAL_CLOSES = new Set([1000, 1001, 1005, 1012]);
/** Closed for a malformed frame, which is listed as such. */
const MALFORMED_CLOSE = 1003;

/** Counts per topic prefix. */
export interface TopicCounts {
  /** Joined channels now (a gauge). */
  channels: number;
  joinsOk: number;
  joinsError: number;
  /** Client events handed to a joined channel. */
  messagesIn: number;
  /** Broadcasts made on this node (those received from other nodes count as bus messages). */
  broadcasts: number;
}

export interface TransportCounts {
  /** Open now (a gauge). */
  connections: number;
  connectsOk: number;
  connectsRefused: number;
}

/**
 * The realtime layer's counters: plain numbers, written where things happen (handshake,
 * endpoint, connection, PubSub, bus) and read by `RealtimeStats`. Topics are counted by prefix
 * (before the first `:`); prefixes and close codes are bounded label sets (`BoundedLabels`), so
 * junk from clients cannot grow them. The delivery path costs one increment: `framesOut++`.
 * Recent refusals and errors are kept in a ring, with reasons of the server's wording only
 * (never a token, a query string or a client's text).
 */
@Injectable()
export class RealtimeCounters {
  /** Frames written to clients (replies, pushes, broadcasts). */
  framesOut = 0;
  malformedFrames = 0;
  readonly bus: BusTraffic = { messagesIn: 0, messagesOut: 0, gaps: 0 };
  readonly transports: Record<TransportName, TransportCounts> = {
    websocket: { connections: 0, connectsOk: 0, connectsRefused: 0 },
    longpoll: { connections: 0, connectsOk: 0, connectsRefused: 0 },
  };
  /** By topic label (see `topicLabel`). */
  readonly topics = new Map<string, TopicCounts>();
  /** Socket closes by close code (a bounded label set). */
  readonly closes = new Map<string, number>();
  readonly recent = new RecentEvents(50);
  private readonly prefixes = new BoundedLabels(50);
  private readonly codes = new BoundedLabels(50);

  /** The label `topic` is counted under: its prefix, or `other` past the cap. */
  topicLabel(topic: string): string {
    return this.prefixes.of(topicPrefix(topic));
  }

  connected(transport: TransportName): void {
    const counts = this.transports[transport];
    counts.connections++;
    counts.connectsOk++;
  }

  /** A connection refused before it opened, with the handshake's status and reason. */
  refused(transport: TransportName, status: number, reason: string): void {
    this.transports[transport].connectsRefused++;
    this.recent.add({ kind: 'connect_refused', transport, status, reason });
  }

  /** A connection ended with `code` (`reason`: the server's words for it). */
  disconnected(transport: TransportName, code: number, reason: string): void {
    this.transports[transport].connections--;
    const label = this.codes.of(String(code));
    this.closes.set(label, (this.closes.get(label) ?? 0) + 1);
    if (!NORMAL_CLOSES.has(code) && code !== MALFORMED_CLOSE) {
      this.recent.add({ kind: 'abnormal_close', transport, code, reason });
    }
  }

  malformedFrame(transport: TransportName, reason: string): void {
    this.malformedFrames++;
    this.recent.add({ kind: 'malformed_frame', transport, reason });
  }

  /** A join was accepted: one more channel on its topic. */
  joined(topic: string): void {
    const counts = this.topic(topic);
    counts.joinsOk++;
    counts.channels++;
  }

  /** A join was refused; `topic` undefined when no channel declares it (`unmatched`). */
  joinRefused(topic: string | undefined, reason: string): void {
    const label = topic === undefined ? UNMATCHED_TOPIC : this.topicLabel(topic);
    this.countsOf(label).joinsError++;
    this.recent.add({ kind: 'join_refused', topic: label, reason });
  }

  /** A joined channel ended (leave, close, crash, socket closed). */
  channelEnded(topic: string): void {
    this.topic(topic).channels--;
  }

  messageIn(topic: string): void {
    this.topic(topic).messagesIn++;
  }

  broadcast(topic: string): void {
    this.topic(topic).broadcasts++;
  }

  private topic(topic: string): TopicCounts {
    return this.countsOf(this.topicLabel(topic));
  }

  private countsOf(label: string): TopicCounts {
    let counts = this.topics.get(label);
    if (counts === undefined) {
      counts = { channels: 0, joinsOk: 0, joinsError: 0, messagesIn: 0, broadcasts: 0 };
      this.topics.set(label, counts);
    }
    return counts;
  }
}
