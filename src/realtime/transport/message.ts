/** Raw bytes as a payload: sent in a binary frame (V2 only), received from binary pushes. */
export class Binary {
  constructor(readonly bytes: Buffer) {}

  /** A Binary cannot be part of a JSON payload: only a whole payload or reply response. */
  toJSON(): never {
    throw new TypeError('a Binary can only be a whole payload or reply response');
  }

  static from(data: Uint8Array | ArrayBuffer | string): Binary {
    if (typeof data === 'string') return new Binary(Buffer.from(data, 'utf8'));
    if (data instanceof ArrayBuffer) return new Binary(Buffer.from(data));
    return new Binary(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
}

/**
 * A payload already encoded as JSON text, spliced into frames as it is: a payload that many
 * clients receive with different envelopes (a `presence_state` of thousands of presences) is
 * stringified once. The text must be valid JSON; it is not parsed again.
 */
export class EncodedJson {
  private utf8: Buffer | undefined;

  constructor(readonly json: string) {}

  /** The text as UTF-8 bytes, made once: frames splice these very bytes (`SplicedFrame`). */
  get bytes(): Buffer {
    return (this.utf8 ??= Buffer.from(this.json, 'utf8'));
  }

  static of(value: unknown): EncodedJson {
    return new EncodedJson(JSON.stringify(value));
  }

  /** Inside another payload it is its value again (a re-parse: rare, and never on a hot path). */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

export function isBinary(value: unknown): value is Binary {
  return value instanceof Binary;
}

/**
 * One Phoenix message, in either direction: `[join_ref, ref, topic, event, payload]`.
 * `payload` is any JSON value, or a Binary. A reply (`phx_reply`) has the payload
 * `{status, response}`, where `response` may be a Binary.
 */
export interface Message {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** An encoded frame, ready for `ws.send(data, { binary })`. */
export interface Frame {
  data: string | Buffer;
  binary: boolean;
  /** Its WebSocket bytes, once a WebSocket write built them (`wireBytes`): kept for the next. */
  wire?: Buffer;
}

/**
 * A text frame made of parts, one of them shared by many frames: a `presence_state` that every
 * channel joining in the same batch gets, each framed with its own join_ref. A WebSocket write
 * hands the parts to the socket as they are, so the shared bytes are neither copied per client
 * nor held twice while a slow client reads them; `data` joins them for transports that need one
 * piece (LongPoll).
 */
export class SplicedFrame implements Frame {
  readonly binary = false;
  private joined: Buffer | undefined;

  constructor(readonly parts: readonly Buffer[]) {}

  get data(): Buffer {
    return (this.joined ??= Buffer.concat(this.parts));
  }
}

/** A frame the server cannot accept (bad JSON, wrong shape, unknown binary kind, field too long). */
export class MalformedFrameError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedFrameError';
  }
}

/** Header fields (topic, event, refs) longer than this many UTF-8 bytes make a frame malformed. */
export const MAX_FIELD_BYTES = 255;

export const PHX = {
  join: 'phx_join',
  leave: 'phx_leave',
  reply: 'phx_reply',
  error: 'phx_error',
  close: 'phx_close',
  heartbeat: 'heartbeat',
  socketTopic: 'phoenix',
} as const;
