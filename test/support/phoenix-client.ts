// Promise helpers around the official `phoenix` JS client, for e2e tests (see spec §14).
import { type Channel, Presence, Socket, type SocketConnectOption } from 'phoenix';
import WebSocket from 'ws';

/** Short timers so reconnects, rejoins and timeouts happen within a test. */
export const FAST_TIMERS: Partial<SocketConnectOption> = {
  heartbeatIntervalMs: 1000,
  timeout: 1000,
  rejoinAfterMs: () => 50,
  reconnectAfterMs: () => 50,
};

const live = new Set<Socket>();

/** A socket with `ws` as transport and short timers; not connected yet. Tracked for `disconnectAll`. */
export function createSocket(url: string, opts: Partial<SocketConnectOption> = {}): Socket {
  const socket = new Socket(url, {
    ...FAST_TIMERS,
    transport: WebSocket as unknown as SocketConnectOption['transport'],
    ...opts,
  });
  live.add(socket);
  return socket;
}

/** Connects and resolves once open; rejects (and disconnects) if the first attempt errors. */
export function connect(url: string, opts: Partial<SocketConnectOption> = {}): Promise<Socket> {
  const socket = createSocket(url, opts);
  return new Promise((resolve, reject) => {
    const refs = [
      socket.onOpen(() => {
        socket.off(refs);
        resolve(socket);
      }),
      socket.onError((err) => {
        socket.off(refs);
        const detail = err instanceof Object && 'message' in err ? err.message : err;
        void disconnect(socket).then(() => reject(new Error(`socket error: ${String(detail)}`)));
      }),
    ];
    socket.connect();
  });
}

/** Disconnects (no reconnect) and resolves once the transport is closed. */
export function disconnect(socket: Socket): Promise<void> {
  live.delete(socket);
  return new Promise((resolve) => socket.disconnect(() => resolve()));
}

/** Disconnects every socket made by `createSocket`/`connect` that is still around. */
export async function disconnectAll(): Promise<void> {
  await Promise.all([...live].map((socket) => disconnect(socket)));
}

/** A non-ok reply (or a local timeout) to a join or push. */
export class ReplyError extends Error {
  constructor(
    readonly status: string,
    readonly response: unknown,
  ) {
    super(`${status}: ${JSON.stringify(response)}`);
    this.name = 'ReplyError';
  }
}

export interface ReplyResult {
  status: string;
  response: unknown;
}

type AnyPush = { receive(status: string, callback: (response?: unknown) => unknown): AnyPush };

/** Resolves with the first of `statuses` the push gets (the client synthesizes "timeout"). */
function settle(push: unknown, statuses: string[]): Promise<ReplyResult> {
  return new Promise((resolve) => {
    let done = false;
    for (const status of statuses) {
      (push as AnyPush).receive(status, (response) => {
        if (done) return;
        done = true;
        resolve({ status, response });
      });
    }
  });
}

const expectOk = ({ status, response }: ReplyResult): unknown => {
  if (status !== 'ok') throw new ReplyError(status, response);
  return response;
};

/**
 * Joins and resolves with the ok reply's response; rejects with a ReplyError on error/timeout.
 * (The client keeps retrying a refused join: leave the channel or disconnect afterwards.)
 */
export function join(channel: Channel): Promise<unknown> {
  return settle(channel.join(), ['ok', 'error', 'timeout']).then(expectOk);
}

/** Pushes and resolves with the ok reply's response; rejects with a ReplyError otherwise. */
export function push(channel: Channel, event: string, payload: object = {}): Promise<unknown> {
  return pushReply(channel, event, payload).then(expectOk);
}

/** Pushes and resolves with whichever reply comes: ok, error, timeout or one of `statuses`. */
export function pushReply(
  channel: Channel,
  event: string,
  payload: object = {},
  statuses: string[] = [],
): Promise<ReplyResult> {
  return settle(channel.push(event, payload), ['ok', 'error', 'timeout', ...statuses]);
}

/** Leaves and resolves once the client closed the channel (ok reply or timeout). */
export function leave(channel: Channel): Promise<void> {
  return settle(channel.leave(), ['ok', 'timeout']).then(() => undefined);
}

/** The next `event` on the channel (its payload); rejects after `timeoutMs`. */
export function nextEvent<T = unknown>(
  channel: Channel,
  event: string,
  timeoutMs = 1000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.off(event, ref);
      reject(new Error(`no "${event}" on ${channel.topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    const ref = channel.on(event, (payload) => {
      clearTimeout(timer);
      channel.off(event, ref);
      resolve(payload as T);
    });
  });
}

/** Every `event` payload the channel receives from now on. */
export function collect<T = unknown>(channel: Channel, event: string): T[] {
  const seen: T[] = [];
  channel.on(event, (payload) => void seen.push(payload as T));
  return seen;
}

/** The channel's current join ref (not in @types/phoenix). */
export const joinRef = (channel: Channel): string =>
  (channel as unknown as { joinRef(): string }).joinRef();

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a truthy value (resolved with it); rejects after `timeoutMs`. */
export async function waitFor<T>(check: () => T, timeoutMs = 1000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A real ArrayBuffer holding `bytes` (the client sends binary only for ArrayBuffers, §14). */
export function arrayBuffer(bytes: number[] | Uint8Array): ArrayBuffer {
  const u8 = Uint8Array.from(bytes);
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
}

/** True for an ArrayBuffer from any realm (jest's vm context has its own ArrayBuffer). */
export const isArrayBuffer = (value: unknown): value is ArrayBuffer =>
  Object.prototype.toString.call(value) === '[object ArrayBuffer]';

/** The bytes of a received binary payload; throws if it is not an ArrayBuffer. */
export function bytesOf(value: unknown): number[] {
  if (!isArrayBuffer(value))
    throw new Error(`expected an ArrayBuffer, got ${Object.prototype.toString.call(value)}`);
  return [...new Uint8Array(value)];
}

/** A JS `Presence` on the channel, with a way to wait for a synced state. */
export function presenceOf(channel: Channel) {
  const presence = new Presence(channel);
  const listeners = new Set<() => void>();
  presence.onSync(() => listeners.forEach((listener) => listener()));
  /** `key → metas`, as the client currently sees it. */
  const state = (): Record<string, Array<Record<string, unknown>>> =>
    Object.fromEntries(
      presence.list((key: string, entry: { metas: Array<Record<string, unknown>> }) => [
        key,
        entry.metas,
      ]),
    );
  /** Resolves with the state at the first sync (or now) where `check(state)` holds. */
  const until = (
    check: (s: ReturnType<typeof state>) => boolean,
    timeoutMs = 1000,
  ): Promise<ReturnType<typeof state>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`presence never matched; last: ${JSON.stringify(state())}`));
      }, timeoutMs);
      const listener = () => {
        const current = state();
        if (!check(current)) return;
        listeners.delete(listener);
        clearTimeout(timer);
        resolve(current);
      };
      listeners.add(listener);
      if (!presence.inPendingSyncState()) listener();
    });
  return { presence, state, until };
}

/** A decoded frame as the client's `onMessage` sees it. */
export interface Frame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** Every frame the socket receives from now on (optionally only for `topic`), in order. */
export function recordFrames(socket: Socket, topic?: string): Frame[] {
  const frames: Frame[] = [];
  socket.onMessage((message) => {
    const frame = message as Frame;
    if (topic === undefined || frame.topic === topic) frames.push(frame);
  });
  return frames;
}

/** The code of the socket's next close; rejects after `timeoutMs`. */
export function nextCloseCode(socket: Socket, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not closed')), timeoutMs);
    socket.onClose((event: { code: number }) => {
      clearTimeout(timer);
      resolve(event.code);
    });
  });
}
