import type { Connection } from '../connection.js';
import type { Frame } from '../message.js';
import type { Transport } from '../transport.js';

/** The answer to one poll: `status` 200 with messages, or 204 when the window passed empty. */
export interface PollResult {
  status: 200 | 204;
  messages: string[];
}

/**
 * A LongPoll session as a connection's transport: frames are buffered as the text the
 * WebSocket would have sent, and handed to the next poll (all at once). The connection bounds
 * the buffer (`bufferedBytes`, UTF-8) as it bounds a WebSocket's.
 */
export class LongPollSession implements Transport {
  readonly binary = false;
  connection!: Connection;
  /** Last time a GET arrived; a session not polled for 1.5 windows dies. */
  lastPoll = Date.now();
  private buffer: string[] = [];
  private bytes = 0;
  private waiter: ((result: PollResult) => void) | undefined;
  private closed = false;

  constructor(
    readonly token: string,
    private readonly onClose: (session: LongPollSession) => void,
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  /** Buffers `frame`; false once the buffer holds more than `maxBufferedBytes`. */
  write(frame: Frame, maxBufferedBytes: number): boolean {
    if (this.closed) return true;
    const { data } = frame;
    this.buffer.push(typeof data === 'string' ? data : data.toString('utf8'));
    this.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.waiter) this.answer(200);
    return this.bytes <= maxBufferedBytes;
  }

  /**
   * Waits up to `windowMs` for messages; a newer poll answers an older one with 204. When
   * `abandoned` aborts first (the client went away), the poll ends with 204 and takes nothing:
   * the messages wait for the next poll.
   */
  poll(windowMs: number, abandoned?: AbortSignal): Promise<PollResult> {
    this.lastPoll = Date.now();
    if (this.waiter) this.answer(204);
    if (abandoned?.aborted) return Promise.resolve({ status: 204, messages: [] });
    if (this.buffer.length > 0 || this.closed) {
      return Promise.resolve(this.take(this.buffer.length > 0 ? 200 : 204));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(204), windowMs);
      const abandon = () => {
        if (this.waiter !== waiter) return;
        this.waiter = undefined;
        waiter({ status: 204, messages: [] });
      };
      const waiter = (result: PollResult) => {
        clearTimeout(timer);
        abandoned?.removeEventListener('abort', abandon);
        resolve(result);
      };
      abandoned?.addEventListener('abort', abandon, { once: true });
      this.waiter = waiter;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiter) this.answer(204);
    this.onClose(this);
  }

  /** Ends the session and drops its buffer; the next request finds it gone (410). */
  abort(): void {
    this.buffer = [];
    this.bytes = 0;
    this.close();
  }

  private answer(status: 200 | 204): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(this.take(status));
  }

  private take(status: 200 | 204): PollResult {
    const messages = this.buffer;
    this.buffer = [];
    this.bytes = 0;
    return { status: messages.length > 0 ? 200 : status === 200 ? 204 : status, messages };
  }
}
