import type { Probe } from '../probe.js';

/** What a connected socket reports back to the workload. */
export interface SocketEvents {
  /** A broadcast probe arrived on this socket. */
  probe(probe: Probe): void;
  /** The server answered one of this socket's sends: ok, or an error (a rejection). */
  replied(ok: boolean): void;
  /** The socket closed without being asked to. */
  closed(): void;
}

/** One connected (and, on Nestling, joined) socket of a broadcast workload. */
export interface BroadcastSocket {
  /** Sends probe (s, seq, t) padded to `payloadBytes`, to be broadcast to every socket. */
  send(s: number, seq: number, t: number): void;
  close(): void;
}

/** A server under test, as seen by the fan-out and idle workloads. */
export interface BroadcastTarget {
  /** Whether the server answers each send (Nestling's replies); the peers don't. */
  readonly replies: boolean;
  /** Before any socket: e.g. create the players sockets authenticate as. */
  prepare(sockets: number): Promise<void>;
  /** Connects socket `index` (and joins what it must); rejects when that failed. */
  connect(index: number, events: SocketEvents): Promise<BroadcastSocket>;
  /** Keeps the connected sockets alive (heartbeats) until the returned function is called. */
  keepAlive(): () => void;
}
