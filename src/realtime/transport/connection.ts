import type { Logger } from '@nestjs/common';
import { RateLimitedLog } from '../../common/logging/rate-limited-log.js';
import { type ChannelHost, ChannelProcess } from '../channels/channel-process.js';
import type { TerminateReason } from '../channels/channel-context.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { SocketInfo } from '../channels/socket-info.js';
import type { Broadcast } from '../pubsub/broadcast.js';
import type { PubSub, Subscriber } from '../pubsub/pubsub.js';
import type { RealtimeCounters } from '../telemetry/realtime-counters.js';
import { type Frame, MalformedFrameError, type Message, PHX } from './message.js';
import type { Serializer } from './serializer.js';
import type { Transport } from './transport.js';

export interface ConnectionDeps {
  registry: ChannelRegistry;
  pubsub: PubSub;
  logger: Logger;
  maxChannels: number;
  /** Unsent bytes past which the client is taken for one that stopped reading (close 1008). */
  maxBufferedBytes: number;
  /** Shared by all connections of an endpoint, so that no client can flood the log. */
  warnings: ConnectionWarnings;
  /** Operators' counts (frames out, joins, messages in, channels, malformed frames). */
  counters: RealtimeCounters;
  /**
   * Called once, when the connection has ended, with its close code and the server's words for
   * it (`closed by client`, `connection lost`, or the reason the server closed it with).
   */
  onClosed(connection: Connection, code: number, reason: string): void;
}

/** The warnings a client can cause at will, each at most one line per second. */
export interface ConnectionWarnings {
  malformedFrame: RateLimitedLog;
  slowConsumer: RateLimitedLog;
  binaryDropped: RateLimitedLog;
}

export function connectionWarnings(logger: Logger): ConnectionWarnings {
  const warn = (line: string) => logger.warn(line);
  return {
    malformedFrame: new RateLimitedLog(warn),
    slowConsumer: new RateLimitedLog(warn),
    binaryDropped: new RateLimitedLog(warn),
  };
}

const SOCKET_ID_PREFIX = 'phx_socket_id:';

/** The PubSub topic a socket id subscribes to, so that disconnect(id) reaches every node. */
export const socketIdTopic = (id: string): string => `${SOCKET_ID_PREFIX}${id}`;

export const isSocketIdTopic = (topic: string): boolean => topic.startsWith(SOCKET_ID_PREFIX);

/** A close code without a close frame: the connection was lost. */
const CONNECTION_LOST = 1006;

/**
 * One client connection (Phoenix's socket process): decodes frames, answers heartbeats, routes
 * joins, leaves and events to its channels, and writes what they send.
 */
export class Connection implements ChannelHost, Subscriber {
  /** Last time a frame (or ping) arrived, for the shared idle sweep. */
  lastSeen = Date.now();
  private readonly channels = new Map<string, ChannelProcess>();
  /** Frames that arrived while a join handler runs (they wait, as in Phoenix's socket process). */
  private held: Message[] | undefined;
  private ended = false;

  constructor(
    private readonly transport: Transport,
    readonly serializer: Serializer,
    readonly socket: SocketInfo,
    private readonly deps: ConnectionDeps,
  ) {
    // The connection itself subscribes to its socket id's topic (`deliver`).
    if (socket.id !== undefined) deps.pubsub.subscribe(socketIdTopic(socket.id), this);
  }

  get pubsub(): PubSub {
    return this.deps.pubsub;
  }

  get logger(): Logger {
    return this.deps.logger;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /** Closes the connection with `code`; its channels end at once with `reason`. */
  close(code: number, reason: string, why: TerminateReason = 'socket_closed'): void {
    this.end(why, code, reason);
    this.transport.close(code, reason);
  }

  /**
   * The transport ended with `code` (the client closed, the connection was lost, or a LongPoll
   * session expired).
   */
  transportClosed(code: number): void {
    this.end(
      'socket_closed',
      code,
      code === CONNECTION_LOST ? 'connection lost' : 'closed by client',
    );
  }

  /** Something arrived from the client (frame, ping, poll): the idle clock restarts. */
  touch(): void {
    this.lastSeen = Date.now();
  }

  send(message: Message): void {
    if (this.ended) return;
    let frame: Frame;
    try {
      frame = this.serializer.encode(message);
    } catch (err) {
      this.logger.warn(
        `cannot send ${message.event} on ${message.topic}: ${(err as Error).message}`,
      );
      return;
    }
    this.write(frame);
  }

  write(frame: Frame): void {
    if (this.ended || !this.transport.open) return;
    if (frame.binary && !this.transport.binary) {
      this.deps.warnings.binaryDropped.log(
        () => `binary frame dropped: ${this.socket.transport} cannot carry binary`,
      );
      return;
    }
    if (this.transport.write(frame, this.deps.maxBufferedBytes)) this.deps.counters.framesOut++;
    else this.dropSlowConsumer();
  }

  /** Every joined channel ends with phx_error, so that its client rejoins (a bus gap). */
  resyncChannels(): void {
    for (const channel of [...this.channels.values()]) channel.resync();
  }

  removeChannel(channel: ChannelProcess): void {
    if (this.channels.get(channel.topic) !== channel) return;
    this.channels.delete(channel.topic);
    this.deps.counters.channelEnded(channel.topic);
  }

  // ── inbound ─────────────────────────────────────────────────────────────

  /** One frame from the client. */
  receive(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    if (this.ended) return;
    let message: Message;
    try {
      message = this.serializer.decode(data, isBinary);
    } catch (err) {
      const reason = err instanceof MalformedFrameError ? err.message : String(err);
      this.deps.warnings.malformedFrame.log(
        () => `malformed frame from ${this.socket.remoteAddress}: ${reason}; closing with 1003`,
      );
      // Only the serializer's own words: a parser's message may quote the client's bytes.
      const shown = err instanceof MalformedFrameError ? err.message : 'undecodable frame';
      this.deps.counters.malformedFrame(this.socket.transport, shown);
      this.close(1003, 'malformed frame');
      return;
    }
    if (this.held !== undefined) this.held.push(message);
    else this.dispatch(message);
  }

  private dispatch(message: Message): void {
    const { topic, event, ref, joinRef } = message;
    if (topic === PHX.socketTopic && event === PHX.heartbeat) {
      this.reply(null, ref, topic, 'ok', {});
      return;
    }
    if (event === PHX.join) {
      void this.join(message);
      return;
    }
    const channel = this.channels.get(topic);
    if (event === PHX.leave) {
      if (channel === undefined) this.reply(joinRef, ref, topic, 'ok', {});
      else if (joinRef === null || joinRef === channel.joinRef) channel.leave(ref);
      return; // a stale join_ref is dropped silently
    }
    if (channel === undefined) this.reply(null, ref, topic, 'error', { reason: 'unmatched topic' });
    else if (joinRef === null || joinRef === channel.joinRef) {
      this.deps.counters.messageIn(topic);
      channel.enqueue(message);
    }
  }

  private async join(message: Message): Promise<void> {
    const { topic, joinRef, ref } = message;
    const definition = this.deps.registry.match(topic);
    if (definition === undefined) {
      this.deps.counters.joinRefused(undefined, 'unmatched topic');
      this.reply(null, ref, topic, 'error', { reason: 'unmatched topic' });
      return;
    }
    const previous = this.channels.get(topic);
    previous?.kill('duplicate_join');
    const closePrevious = () => {
      if (previous)
        this.send({
          joinRef: previous.joinRef,
          ref: previous.joinRef,
          topic,
          event: PHX.close,
          payload: {},
        });
    };
    if (this.channels.size >= this.deps.maxChannels) {
      this.deps.counters.joinRefused(topic, 'too many channels joined');
      this.reply(joinRef, ref, topic, 'error', { reason: 'too many channels joined' });
      closePrevious();
      return;
    }
    const channel = new ChannelProcess(
      this,
      definition,
      topic,
      joinRef,
      joinRef ?? ref,
      message.payload,
    );
    this.held = [];
    try {
      const reply = await channel.runJoin();
      if (this.ended) {
        channel.kill('socket_closed');
      } else if (reply.status === 'ok') {
        this.channels.set(topic, channel);
        this.deps.counters.joined(topic);
        this.deps.pubsub.subscribe(topic, channel);
        this.reply(joinRef, ref, topic, reply.status, reply.response);
        closePrevious();
        channel.activate();
      } else {
        this.deps.counters.joinRefused(topic, refusalReason(reply.response));
        this.reply(joinRef, ref, topic, reply.status, reply.response);
        closePrevious();
        channel.discard();
      }
    } finally {
      this.releaseHeld();
    }
  }

  /** Dispatches the frames held during a join, until one of them starts another join. */
  private releaseHeld(): void {
    const held = this.held ?? [];
    this.held = undefined;
    while (held.length > 0) {
      this.dispatch(held.shift()!);
      const holding = this.held as Message[] | undefined; // dispatch may have started a join
      if (holding !== undefined) {
        holding.push(...held);
        return;
      }
    }
  }

  private reply(
    joinRef: string | null,
    ref: string | null,
    topic: string,
    status: string,
    response: unknown,
  ): void {
    this.send({ joinRef, ref, topic, event: PHX.reply, payload: { status, response } });
  }

  /** A broadcast to this socket's id (`RealtimeEndpoint.disconnect`). */
  deliver(broadcast: Broadcast): void {
    if (broadcast.event === 'disconnect') this.close(1001, 'disconnected', 'disconnect');
  }

  // ── ending ──────────────────────────────────────────────────────────────

  /** The client is not reading what it is sent: end it now and let its buffers go. */
  private dropSlowConsumer(): void {
    const buffered = this.transport.bufferedBytes;
    this.end('socket_closed', 1008, 'slow consumer');
    this.transport.abort(1008, 'slow consumer');
    const { remoteAddress, transport } = this.socket;
    const limit = this.deps.maxBufferedBytes;
    this.deps.warnings.slowConsumer.log(
      () =>
        `slow consumer (${transport}) from ${remoteAddress}: ${buffered} bytes unsent, ` +
        `over ${limit}; closed with 1008`,
    );
  }

  private end(reason: TerminateReason, code: number, closeReason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.held = undefined;
    for (const channel of [...this.channels.values()]) channel.kill(reason);
    this.channels.clear();
    if (this.socket.id !== undefined) {
      this.deps.pubsub.unsubscribe(socketIdTopic(this.socket.id), this);
    }
    this.deps.onClosed(this, code, closeReason);
  }
}

/** A refused join's reason for operators: the reply's `reason` when a short string. */
function refusalReason(response: unknown): string {
  const reason = (response as { reason?: unknown } | null | undefined)?.reason;
  return typeof reason === 'string' ? reason.slice(0, 100) : 'refused';
}
