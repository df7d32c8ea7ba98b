import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { CONFIG, type Config } from '../config/config.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { ClusterBus } from './cluster/cluster-bus.js';
import { PubSub } from './pubsub/pubsub.js';
import { RealtimeCounters } from './telemetry/realtime-counters.js';
import { Connection, connectionWarnings, socketIdTopic } from './transport/connection.js';
import type { HandshakeAccepted } from './transport/socket-handshake.js';
import { WriteBatcher } from './transport/write-batcher.js';
import { WsTransport } from './transport/ws-transport.js';
import type { Transport } from './transport/transport.js';

/**
 * The server side of the realtime layer (Phoenix's Endpoint): broadcasts from anywhere,
 * disconnecting a principal's sockets, and the live connections (idle sweep, drain).
 */
@Injectable()
export class RealtimeEndpoint implements OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  private readonly connections = new Set<Connection>();
  private readonly batcher = new WriteBatcher();
  private readonly warnings = connectionWarnings(this.logger);
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly pubsub: PubSub,
    private readonly registry: ChannelRegistry,
    @Inject(CONFIG) private readonly config: Config,
    bus: ClusterBus,
    private readonly counters: RealtimeCounters,
  ) {
    // Broadcasts were lost for this node: its clients rejoin (chat recovers with last_seen_id).
    bus.onGap(() => this.resyncChannels());
  }

  /** Ends every channel on this node with phx_error; clients rejoin at once. */
  resyncChannels(): void {
    this.logger.warn(`bus gap: ${this.connections.size} sockets' channels rejoin`);
    for (const connection of this.connections) connection.resyncChannels();
  }

  /** Sends `[null, null, topic, event, payload]` to every subscriber, on every node. */
  broadcast(topic: string, event: string, payload: unknown): void {
    this.pubsub.broadcast(topic, event, payload);
  }

  /** Same, this node only. */
  localBroadcast(topic: string, event: string, payload: unknown): void {
    this.pubsub.localBroadcast(topic, event, payload);
  }

  /** Closes every socket whose authenticator gave it this id (close code 1001), on every node. */
  disconnect(socketId: string): void {
    this.pubsub.broadcast(socketIdTopic(socketId), 'disconnect', {});
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Takes over an upgraded WebSocket. */
  acceptWebSocket(ws: WebSocket, handshake: HandshakeAccepted): Connection {
    const transport = new WsTransport(ws, this.batcher);
    const connection = this.accept(transport, handshake);
    transport.bind(connection);
    return connection;
  }

  /** Starts a connection over any transport. */
  accept(transport: Transport, handshake: HandshakeAccepted): Connection {
    const connection = new Connection(transport, handshake.serializer, handshake.socket, {
      registry: this.registry,
      pubsub: this.pubsub,
      logger: this.logger,
      maxChannels: this.config.realtime.maxChannels,
      maxBufferedBytes: this.config.realtime.maxBufferedBytes,
      warnings: this.warnings,
      counters: this.counters,
      onClosed: (c, code, reason) => {
        this.connections.delete(c);
        this.counters.disconnected(c.socket.transport, code, reason);
      },
    });
    this.connections.add(connection);
    this.counters.connected(handshake.socket.transport);
    this.startSweep();
    return connection;
  }

  /**
   * Closes connections with 1012 (service restart); clients reconnect elsewhere. All of them by
   * default; at most `max` when given (a graceful shutdown closes them in batches). Returns how
   * many are still open.
   */
  drain(max = Infinity): number {
    const batch: Connection[] = [];
    for (const connection of this.connections) {
      if (batch.length >= max) break;
      batch.push(connection);
    }
    for (const connection of batch) connection.close(1012, 'service restart', 'shutdown');
    return this.connections.size;
  }

  onModuleDestroy(): void {
    this.drain();
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = undefined;
  }

  /** One timer for all sockets: closes those silent for longer than the idle timeout. */
  private startSweep(): void {
    if (this.sweep !== undefined) return;
    const timeout = this.config.realtime.idleTimeoutMs;
    this.sweep = setInterval(
      () => {
        const deadline = Date.now() - timeout;
        for (const connection of this.connections) {
          if (connection.lastSeen < deadline) {
            this.logger.debug(`closing idle socket from ${connection.socket.remoteAddress}`);
            connection.close(1002, 'idle timeout');
          }
        }
      },
      Math.max(50, Math.min(1000, Math.floor(timeout / 4))),
    );
    this.sweep.unref();
  }
}
