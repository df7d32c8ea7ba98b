import type { SocketInfo } from './socket-info.js';

/** Why a channel ended. */
export type TerminateReason =
  | 'leave' // the client sent phx_leave
  | 'close' // the channel closed itself (ctx.close())
  | 'crash' // a handler threw
  | 'duplicate_join' // the client joined the same topic again
  | 'socket_closed' // the connection ended
  | 'disconnect' // RealtimeEndpoint.disconnect(id)
  | 'shutdown'; // the server is draining

/** What the channel framework does for a context; implemented by ChannelProcess. */
export interface ChannelOps {
  push(event: string, payload: unknown): void;
  broadcast(event: string, payload: unknown, excludeSelf: boolean): void;
  close(): void;
  onTerminate(callback: (reason: TerminateReason) => void): void;
  afterReply(callback: () => void): void;
  mute(event: string): void;
  readonly alive: boolean;
}

/**
 * One channel on one socket, as its handlers see it (Phoenix's `socket` in a channel): the topic,
 * the join params, the socket's principal, state, and the ways to talk to clients.
 */
export class ChannelContext<P = unknown> {
  private ownAssigns: Map<string, unknown> | undefined;

  constructor(
    readonly topic: string,
    /** The join payload. */
    readonly params: unknown,
    readonly socket: SocketInfo<P>,
    private readonly ops: ChannelOps,
  ) {}

  /** State of this channel incarnation (Phoenix's assigns); made on first use. */
  get assigns(): Map<string, unknown> {
    return (this.ownAssigns ??= new Map());
  }

  get principal(): P {
    return this.socket.principal;
  }

  /** False once the channel has ended; pushes are then dropped. */
  get alive(): boolean {
    return this.ops.alive;
  }

  /** Sends `[join_ref, null, topic, event, payload]` to this channel's client only. */
  push(event: string, payload: unknown): void {
    this.ops.push(event, payload);
  }

  /** Sends to every subscriber of the topic, this client included. */
  broadcast(event: string, payload: unknown): void {
    this.ops.broadcast(event, payload, false);
  }

  /** Sends to every subscriber of the topic except this client. */
  broadcastFrom(event: string, payload: unknown): void {
    this.ops.broadcast(event, payload, true);
  }

  /** Closes this channel gracefully once the current handler's reply is sent (phx_close). */
  close(): void {
    this.ops.close();
  }

  /**
   * Runs once the current handler's reply has been sent (e.g. a broadcast that must follow the
   * reply). Outside a handler it runs at once.
   */
  afterReply(callback: () => void): void {
    this.ops.afterReply(callback);
  }

  /**
   * This client is not sent the topic's broadcasts of `event` from now on (e.g. `presence_diff`
   * for a client that did not ask for presence); the others still are. Pushes are not affected.
   */
  mute(event: string): void {
    this.ops.mute(event);
  }

  /** Runs when the channel ends, whatever the reason (presence uses it to untrack). */
  onTerminate(callback: (reason: TerminateReason) => void): void {
    this.ops.onTerminate(callback);
  }
}
