import WebSocket from 'ws';

/**
 * A raw `ws` client for the Phoenix socket, for what the official client cannot produce:
 * V1 framing, malformed frames, stale join_refs, hand-built binary frames.
 */

/** A received frame: parsed JSON for text frames, the bytes for binary frames. */
export type RawFrame = unknown;

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface RawConnectOptions {
  /** Extra query params (`user` defaults to `raw`). */
  query?: Record<string, string>;
  /** `vsn` query param; `null` leaves it out (V1). Default `2.0.0`. */
  vsn?: string | null;
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string[];
}

const DEFAULT_TIMEOUT_MS = 2000;
let barriers = 0;

/** `<socketUrl>/websocket?user=raw&vsn=2.0.0` (query params first, `vsn` last). */
export function rawSocketUrl(socketUrl: string, options: RawConnectOptions = {}): string {
  const params = new URLSearchParams({ user: 'raw', ...options.query });
  const vsn = options.vsn === undefined ? '2.0.0' : options.vsn;
  if (vsn !== null) params.set('vsn', vsn);
  return `${socketUrl}/websocket?${params.toString()}`;
}

interface Waiter {
  resolve(frame: RawFrame): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RawSocket {
  private readonly frames: RawFrame[] = [];
  private readonly waiters: Waiter[] = [];
  private closeInfo: CloseInfo | undefined;
  private readonly closeWaiters: Array<(info: CloseInfo) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const buffer = toBuffer(data);
      let frame: RawFrame;
      if (isBinary) frame = buffer;
      else {
        const text = buffer.toString('utf8');
        try {
          frame = JSON.parse(text);
        } catch {
          frame = text;
        }
      }
      const waiter = this.waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(frame);
      } else this.frames.push(frame);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closeInfo = { code, reason: reason.toString('utf8') };
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`socket closed (${code}) while waiting for a frame`));
      }
      for (const resolve of this.closeWaiters.splice(0)) resolve(this.closeInfo);
    });
    ws.on('error', () => {
      /* reported through 'close' */
    });
  }

  /** Opens a socket and waits for the 101. */
  static async connect(socketUrl: string, options: RawConnectOptions = {}): Promise<RawSocket> {
    const ws = new WebSocket(rawSocketUrl(socketUrl, options), options.protocols);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
    return socket;
  }

  /**
   * Attempts an upgrade that should be refused; resolves with the HTTP status of the
   * `unexpected-response`. Rejects if the upgrade succeeds.
   */
  static async refusedStatus(socketUrl: string, options: RawConnectOptions = {}): Promise<number> {
    const ws = new WebSocket(rawSocketUrl(socketUrl, options), options.protocols);
    return new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.once('open', () => {
        ws.terminate();
        reject(new Error('upgrade unexpectedly accepted'));
      });
      // After a resolve, the error from terminate() is a no-op.
      ws.on('error', reject);
    });
  }

  /** The negotiated subprotocol ('' when none). */
  get protocol(): string {
    return this.ws.protocol;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a text frame: strings as is, anything else JSON-encoded. */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame), { binary: false });
  }

  /** Sends a binary frame. */
  sendBinary(bytes: Buffer | Uint8Array | number[]): void {
    this.ws.send(Buffer.from(bytes as Uint8Array), { binary: true });
  }

  /** The next frame (parsed JSON, or a Buffer for binary frames). */
  next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawFrame> {
    if (this.frames.length > 0) return Promise.resolve(this.frames.shift());
    if (this.closeInfo !== undefined)
      return Promise.reject(new Error(`socket closed (${this.closeInfo.code})`));
    return new Promise<RawFrame>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new Error(`no frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** The next `n` frames, in order. */
  async nextN(n: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawFrame[]> {
    const frames: RawFrame[] = [];
    for (let i = 0; i < n; i++) frames.push(await this.next(timeoutMs));
    return frames;
  }

  /** Sends a frame and returns the next one. */
  async request(frame: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawFrame> {
    this.send(frame);
    return this.next(timeoutMs);
  }

  /**
   * Absence, proven by a barrier (no fixed wait): sends `frame` (default: a heartbeat) and
   * resolves with its reply, failing if any other frame comes first. The server answers a
   * socket's frames in order, and a channel its events in order, so a frame owed before the
   * barrier (say, a reply to a stale join_ref) would arrive before the barrier's reply. For a
   * channel, pass an event on that channel: `[joinRef, ref, topic, 'echo', {}]`.
   */
  async expectNothingBefore(
    frame: [string | null, string, string, string, unknown] = [
      null,
      `barrier-${++barriers}`,
      'phoenix',
      'heartbeat',
      {},
    ],
  ): Promise<RawFrame> {
    const [, ref, topic] = frame;
    const reply = await this.request(frame);
    const isReply =
      Array.isArray(reply) && reply[1] === ref && reply[2] === topic && reply[3] === 'phx_reply';
    if (!isReply)
      throw new Error(`unexpected frame before the barrier's reply: ${describe(reply)}`);
    return reply;
  }

  /** Resolves when the socket is closed (at once if it already is). */
  closed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CloseInfo> {
    if (this.closeInfo !== undefined) return Promise.resolve(this.closeInfo);
    return new Promise<CloseInfo>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`socket still open after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.closeWaiters.push((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  /** Heartbeats on topic `phoenix` and checks the V2 reply. */
  async heartbeat(ref = 'hb'): Promise<void> {
    const reply = await this.request([null, ref, 'phoenix', 'heartbeat', {}]);
    const expected = [null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }];
    if (JSON.stringify(reply) !== JSON.stringify(expected))
      throw new Error(`unexpected heartbeat reply: ${describe(reply)}`);
  }

  /** Closes the socket (if still open) and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.closeInfo !== undefined) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
    } else if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(1000);
    }
    try {
      await this.closed(1000);
    } catch {
      this.ws.terminate();
    }
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function describe(frame: RawFrame): string {
  return Buffer.isBuffer(frame) ? `<binary ${frame.toString('hex')}>` : JSON.stringify(frame);
}

/** Builds a client binary push (kind 0, spec §5.1). */
export function binaryPush(
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payload: Buffer | number[],
): Buffer {
  const fields = [joinRef ?? '', ref ?? '', topic, event].map((s) => Buffer.from(s, 'utf8'));
  return Buffer.concat([
    Buffer.from([0, ...fields.map((f) => f.length)]),
    ...fields,
    Buffer.from(payload),
  ]);
}
