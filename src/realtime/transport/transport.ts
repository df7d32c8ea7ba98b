import type { Frame } from './message.js';

/** How a connection reaches its client: a WebSocket, or a LongPoll session. */
export interface Transport {
  /** False once closed: writes are dropped. */
  readonly open: boolean;
  /** False when server→client binary frames cannot be carried (LongPoll). */
  readonly binary: boolean;
  /** Bytes written but not yet taken by the client. */
  readonly bufferedBytes: number;
  /**
   * Queues `frame`, unless the client already holds more than `maxBufferedBytes` unsent: then
   * false, and the caller aborts the transport (the client stopped reading). Called for every
   * frame of a fan-out: the check must stay a property read or two.
   */
  write(frame: Frame, maxBufferedBytes: number): boolean;
  close(code: number, reason: string): void;
  /** Closes at once and drops whatever is still buffered (the client is not reading). */
  abort(code: number, reason: string): void;
}
