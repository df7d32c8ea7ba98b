import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimitedLog } from '../../common/logging/rate-limited-log.js';
import {
  type BusHandler,
  type BusStatus,
  type BusTraffic,
  ClusterBus,
  type NodeIdentity,
} from './cluster-bus.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { SequenceTracker } from './sequence-tracker.js';

export interface RedisBusOptions {
  url: string;
  /** CLUSTER_NAME: every channel starts with it. */
  cluster: string;
  self: NodeIdentity;
  /** Counted into as messages go (operators' metrics); a throwaway count when not given. */
  traffic?: BusTraffic;
}

/**
 * The Redis backplane: one pub/sub channel that every node reads (`<cluster>:bus`) and one per
 * node for messages to it alone (`<cluster>:node:<name>`). Two connections: a subscriber, and a
 * publisher whose commands fail at once while Redis is unreachable (no offline queue: the bus is
 * at most once, and memory stays bounded). ioredis reconnects and resubscribes by itself; what
 * was published meanwhile is lost, which receivers see as a gap (`onGap(undefined)`).
 */
export class RedisBus extends ClusterBus {
  readonly clustered = true;
  private readonly logger = new Logger('ClusterBus');
  private readonly errors = new RateLimitedLog((line) => this.logger.warn(line), 5000);
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly broadcastChannel: string;
  private readonly ownChannel: string;
  private readonly handlers = new Map<string, BusHandler[]>();
  private readonly gapHandlers: Array<(origin: NodeIdentity | undefined) => void> = [];
  private readonly received = new Map<string, SequenceTracker>();
  private broadcastSeq = 0;
  private readonly sentSeq = new Map<string, number>();
  /** The subscriber was ready once and then lost: anything may have been missed. */
  private lostSubscription = false;
  private closed = false;
  private readonly traffic: BusTraffic;

  constructor(private readonly options: RedisBusOptions) {
    super();
    this.traffic = options.traffic ?? { messagesIn: 0, messagesOut: 0, gaps: 0 };
    const { url, cluster, self } = options;
    this.broadcastChannel = `${cluster}:bus`;
    this.ownChannel = this.nodeChannel(self.name);
    const common = {
      lazyConnect: true,
      connectionName: `${cluster}:${self.name}`,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
      maxRetriesPerRequest: 1,
    };
    this.publisher = new Redis(url, { ...common, enableOfflineQueue: false });
    this.subscriber = new Redis(url, { ...common, autoResubscribe: true });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => this.errors.log(() => `redis: ${error.message}`));
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.receive(channel.toString(), message),
    );
    this.subscriber.on('close', () => {
      if (!this.closed) this.lostSubscription = true;
    });
    this.subscriber.on('ready', () => this.resubscribed());
  }

  get self(): NodeIdentity {
    return this.options.self;
  }

  /** Connects both clients and subscribes; rejects when Redis cannot be reached. */
  async start(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(this.broadcastChannel, this.ownChannel);
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  publish(kind: string, body: Buffer): void {
    this.write(this.broadcastChannel, kind, ++this.broadcastSeq, body);
  }

  send(node: string, kind: string, body: Buffer): void {
    const seq = (this.sentSeq.get(node) ?? 0) + 1;
    this.sentSeq.set(node, seq);
    this.write(this.nodeChannel(node), kind, seq, body);
  }

  on(kind: string, handler: BusHandler): void {
    const list = this.handlers.get(kind) ?? [];
    list.push(handler);
    this.handlers.set(kind, list);
  }

  onGap(handler: (origin: NodeIdentity | undefined) => void): void {
    this.gapHandlers.push(handler);
  }

  status(): BusStatus {
    return {
      backend: 'redis',
      cluster: this.options.cluster,
      node: this.self.name,
      connected: this.publisher.status === 'ready' && this.subscriber.status === 'ready',
    };
  }

  private nodeChannel(name: string): string {
    return `${this.options.cluster}:node:${name}`;
  }

  private write(channel: string, kind: string, seq: number, body: Buffer): void {
    const bytes = encodeEnvelope({ kind, origin: this.self, seq, body });
    this.traffic.messagesOut++;
    this.publisher
      .publish(channel, bytes)
      .catch((error: Error) => this.errors.log(() => `publish on ${channel}: ${error.message}`));
  }

  private receive(channel: string, bytes: Buffer): void {
    const envelope = decodeEnvelope(bytes);
    if (envelope === undefined) {
      this.errors.log(() => `undecodable message on ${channel} dropped`);
      return;
    }
    const { kind, origin, seq, body } = envelope;
    if (origin.name === this.self.name && origin.boot === this.self.boot) return; // our own
    this.traffic.messagesIn++;
    let tracker = this.received.get(channel);
    if (tracker === undefined) this.received.set(channel, (tracker = new SequenceTracker()));
    // Only the broadcast channel's gaps cost broadcasts; the node channel's messages (presence
    // state transfers, LongPoll replies) have their own recovery (versions, timeouts).
    if (tracker.gapBefore(origin, seq) && channel === this.broadcastChannel) {
      this.logger.warn(`bus gap: messages from ${origin.name} lost before #${seq} on ${channel}`);
      this.gap(origin);
    }
    for (const handler of this.handlers.get(kind) ?? []) {
      try {
        handler({ kind, origin, body });
      } catch (error) {
        this.logger.error(
          `bus handler for ${kind} failed: ${error instanceof Error ? error.stack : String(error)}`,
        );
      }
    }
  }

  /** ioredis resubscribed after losing the connection: what was sent meanwhile is gone. */
  private resubscribed(): void {
    if (!this.lostSubscription) return;
    this.lostSubscription = false;
    for (const tracker of this.received.values()) tracker.reset();
    this.logger.warn('bus connection restored: messages sent while it was down are lost');
    this.gap(undefined);
  }

  private gap(origin: NodeIdentity | undefined): void {
    this.traffic.gaps++;
    for (const handler of this.gapHandlers) {
      try {
        handler(origin);
      } catch (error) {
        this.logger.error(`gap handler failed: ${String(error)}`);
      }
    }
  }
}
