import type { Frame } from './message.js';

/** How a connection reaches its client: a WebSocket, or a LongPoll session. */
export interface Transport {
  /** False once closed: writes are dropped. */
  readonly open: boolean;
  /** False when server→client binary frames cannot be carried (LongPoll). */
  readonly binary: boolean;
  write(frame: Frame): void;
  close(code: number, reason: string): void;
}
