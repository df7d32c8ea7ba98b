import { WebSocket } from 'ws';

export interface PhoenixReply {
  status: string;
  response: unknown;
}

type ReplyCallback = (reply: PhoenixReply) => void;

/**
 * A minimal Phoenix V2 client over one `ws` socket (the official client is too heavy for
 * thousands of sockets). Frames are `[join_ref, ref, topic, event, payload]`. Broadcasts
 * (`[null,null,…]`) go to `onBroadcast` as raw bytes, undecoded; pushes (`[J,null,…]`, such as
 * presence_state) go to `onPush`, undecoded; replies are parsed and routed to their callback;
 * `phx_error` (a crashed channel) goes to `onChannelError`.
 */
export class PhoenixSocket {
  onBroadcast: (data: Buffer) => void = () => undefined;
  /**
   * A `phx_error` on `topic`: the server crashed that channel and dropped the pushes it had not
   * answered yet (they get no reply); until the topic is joined again, pushes to it get errors.
   */
  onChannelError: (topic: string) => void = () => undefined;
  onClose: () => void = () => undefined;
  /** Pushes on a joined topic (`[J,null,…]`, such as presence_state), as raw bytes. */
  onPush: (data: Buffer) => void = () => undefined;
  private nextRef = 0;
  private readonly pending = new Map<string, ReplyCallback>();
  private readonly joinRefs = new Map<string, string>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.receive(data);
    });
    ws.on('close', () => {
      for (const callback of this.pending.values()) {
        callback({ status: 'closed', response: {} });
      }
      this.pending.clear();
      this.onClose();
    });
    ws.on('error', () => undefined);
  }

  /** Opens `url` (…/socket/websocket?…&vsn=2.0.0); rejects on a refused upgrade or timeout. */
  static connect(url: string, timeoutMs = 10_000): Promise<PhoenixSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
      });
      ws.once('error', reject);
      ws.once('open', () => {
        ws.off('error', reject);
        resolve(new PhoenixSocket(ws));
      });
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Joins `topic`; resolves with the reply (ok or error). */
  join(topic: string, payload: object = {}): Promise<PhoenixReply> {
    const ref = String(++this.nextRef);
    this.joinRefs.set(topic, ref);
    return this.request(ref, ref, topic, 'phx_join', JSON.stringify(payload));
  }

  /** Pushes an event on a joined topic; resolves with the reply. */
  push(topic: string, event: string, payload: object): Promise<PhoenixReply> {
    const ref = String(++this.nextRef);
    return this.request(this.joinRefOf(topic), ref, topic, event, JSON.stringify(payload));
  }

  /** Pushes an already serialized payload; `onReply` (if any) gets the reply. */
  pushRaw(topic: string, event: string, payloadJson: string, onReply?: ReplyCallback): void {
    const ref = String(++this.nextRef);
    if (onReply) this.pending.set(ref, onReply);
    this.send(this.joinRefOf(topic), ref, topic, event, payloadJson);
  }

  heartbeat(): void {
    if (this.open) this.send(null, String(++this.nextRef), 'phoenix', 'heartbeat', '{}');
  }

  close(): void {
    this.ws.terminate();
  }

  private joinRefOf(topic: string): string {
    const joinRef = this.joinRefs.get(topic);
    if (joinRef === undefined) throw new Error(`not joined to ${topic}`);
    return joinRef;
  }

  private request(
    joinRef: string,
    ref: string,
    topic: string,
    event: string,
    payloadJson: string,
  ): Promise<PhoenixReply> {
    return new Promise((resolve) => {
      this.pending.set(ref, resolve);
      this.send(joinRef, ref, topic, event, payloadJson);
    });
  }

  private send(
    joinRef: string | null,
    ref: string,
    topic: string,
    event: string,
    payloadJson: string,
  ): void {
    if (!this.open) return;
    const head = JSON.stringify([joinRef, ref, topic, event]);
    this.ws.send(`${head.slice(0, -1)},${payloadJson}]`);
  }

  private receive(data: Buffer): void {
    if (startsWith(data, BROADCAST_HEAD)) {
      this.onBroadcast(data);
      return;
    }
    // Our refs are digit strings, so the first comma ends join_ref; `null` next means a push.
    const comma = data.indexOf(COMMA);
    if (comma < 0) return;
    if (startsWith(data, NULL_COMMA, comma + 1)) {
      this.onPush(data);
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (!Array.isArray(frame)) return;
    if (frame[3] === 'phx_error' && typeof frame[2] === 'string') {
      this.onChannelError(frame[2]);
      return;
    }
    if (frame[3] !== 'phx_reply' || typeof frame[1] !== 'string') return;
    const callback = this.pending.get(frame[1]);
    if (callback === undefined) return;
    this.pending.delete(frame[1]);
    const payload = (frame[4] ?? {}) as Partial<PhoenixReply>;
    callback({ status: String(payload.status), response: payload.response });
  }
}

const BROADCAST_HEAD = Buffer.from('[null,null,');
const NULL_COMMA = Buffer.from('null,');
const COMMA = 0x2c;

/** Whether `data` holds `prefix` at `offset`, compared as bytes (nothing decoded). */
export function startsWith(data: Buffer, prefix: Buffer, offset = 0): boolean {
  return (
    data.length >= offset + prefix.length &&
    data.compare(prefix, 0, prefix.length, offset, offset + prefix.length) === 0
  );
}

/** Heartbeats every socket once per `periodMs`, spread evenly (one shared timer). */
export function startHeartbeats(
  sockets: readonly PhoenixSocket[],
  periodMs = 30_000,
  tickMs = 1_000,
): () => void {
  const slots = Math.max(1, Math.round(periodMs / tickMs));
  let tick = 0;
  const timer = setInterval(() => {
    const slot = tick++ % slots;
    for (let i = slot; i < sockets.length; i += slots) sockets[i].heartbeat();
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
