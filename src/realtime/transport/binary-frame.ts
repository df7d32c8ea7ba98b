import { isUtf8 } from 'node:buffer';
import { MalformedFrameError, MAX_FIELD_BYTES } from './message.js';

/**
 * Pure helpers for the Phoenix V2 binary layout (spec §5) and the header-field rules shared by
 * every framing (topic, event, join_ref and ref are at most MAX_FIELD_BYTES UTF-8 bytes).
 *
 * Every length field is one unsigned byte; `null` refs travel as empty strings; the payload is
 * the rest of the frame.
 */
export const BinaryKind = { push: 0, reply: 1, broadcast: 2 } as const;

/** A decoded client push (kind 0). `payload` is a view into the frame, not a copy. */
export interface BinaryPush {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Buffer;
}

// ---------------------------------------------------------------------------------------------
// Field rules (decode side: MalformedFrameError)
// ---------------------------------------------------------------------------------------------

/** True when `value` is longer than MAX_FIELD_BYTES UTF-8 bytes, without measuring short strings. */
function tooLong(value: string): boolean {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes (a surrogate pair, 2 units, takes 4).
  if (value.length <= MAX_FIELD_BYTES / 3) return false;
  if (value.length > MAX_FIELD_BYTES) return true;
  return Buffer.byteLength(value, 'utf8') > MAX_FIELD_BYTES;
}

/** A topic or event decoded from JSON: a string of at most MAX_FIELD_BYTES UTF-8 bytes. */
export function checkName(value: unknown, name: 'topic' | 'event'): string {
  if (typeof value !== 'string') throw new MalformedFrameError(`${name} must be a string`);
  if (tooLong(value)) {
    throw new MalformedFrameError(`${name} longer than ${MAX_FIELD_BYTES} bytes`);
  }
  return value;
}

/** A join_ref or ref decoded from JSON: null, or a string of at most MAX_FIELD_BYTES bytes. */
export function checkRef(value: unknown, name: 'join_ref' | 'ref'): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new MalformedFrameError(`${name} must be a string or null`);
  if (tooLong(value)) {
    throw new MalformedFrameError(`${name} longer than ${MAX_FIELD_BYTES} bytes`);
  }
  return value;
}

/** Parses a text frame; anything that is not JSON is malformed. */
export function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    throw new MalformedFrameError('invalid JSON');
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding (client → server): only kind 0 exists
// ---------------------------------------------------------------------------------------------

const PUSH_HEADER = 5; // kind, join_ref_size, ref_size, topic_size, event_size

function readField(data: Buffer, start: number, size: number, name: string): string {
  const bytes = data.subarray(start, start + size);
  if (!isUtf8(bytes)) throw new MalformedFrameError(`${name} is not valid UTF-8`);
  return bytes.toString('utf8');
}

/**
 * Decodes a client binary frame:
 * `[0, join_ref_size, ref_size, topic_size, event_size, join_ref, ref, topic, event, payload…]`.
 * Empty join_ref/ref decode to null. Throws MalformedFrameError for any other kind, a truncated
 * frame, or header strings that are not UTF-8.
 */
export function decodeClientPush(data: Buffer): BinaryPush {
  if (data.length === 0) throw new MalformedFrameError('empty binary frame');
  const kind = data[0];
  if (kind !== BinaryKind.push) {
    throw new MalformedFrameError(
      kind === BinaryKind.reply || kind === BinaryKind.broadcast
        ? `binary kind ${kind} is only sent by servers`
        : `unknown binary kind ${kind}`,
    );
  }
  if (data.length < PUSH_HEADER) throw new MalformedFrameError('truncated binary header');
  const joinRefSize = data[1];
  const refSize = data[2];
  const topicSize = data[3];
  const eventSize = data[4];
  const end = PUSH_HEADER + joinRefSize + refSize + topicSize + eventSize;
  if (end > data.length) throw new MalformedFrameError('truncated binary frame');

  let offset = PUSH_HEADER;
  const joinRef = joinRefSize === 0 ? null : readField(data, offset, joinRefSize, 'join_ref');
  offset += joinRefSize;
  const ref = refSize === 0 ? null : readField(data, offset, refSize, 'ref');
  offset += refSize;
  const topic = readField(data, offset, topicSize, 'topic');
  offset += topicSize;
  const event = readField(data, offset, eventSize, 'event');
  return { joinRef, ref, topic, event, payload: data.subarray(end) };
}

// ---------------------------------------------------------------------------------------------
// Encoding (server → client): kinds 0, 1 and 2. One allocation per frame, no intermediate copies.
// ---------------------------------------------------------------------------------------------

/** UTF-8 size of a header field; over MAX_FIELD_BYTES is a server bug, hence a plain Error. */
function fieldSize(value: string, name: string): number {
  const size = Buffer.byteLength(value, 'utf8');
  if (size > MAX_FIELD_BYTES) {
    throw new Error(
      `cannot encode ${name} in a binary frame: ${size} bytes, at most ${MAX_FIELD_BYTES} allowed`,
    );
  }
  return size;
}

function writeField(frame: Buffer, value: string, offset: number, size: number): number {
  if (size !== 0) frame.write(value, offset, size, 'utf8');
  return offset + size;
}

/** Server push (kind 0): `[0, join_ref_size, topic_size, event_size, join_ref, topic, event, payload…]` — no ref. */
export function encodePush(
  joinRef: string | null,
  topic: string,
  event: string,
  payload: Buffer,
): Buffer {
  const joinRefText = joinRef ?? '';
  const joinRefSize = fieldSize(joinRefText, 'join_ref');
  const topicSize = fieldSize(topic, 'topic');
  const eventSize = fieldSize(event, 'event');
  const headerSize = 4 + joinRefSize + topicSize + eventSize;
  const frame = Buffer.allocUnsafe(headerSize + payload.length);
  frame[0] = BinaryKind.push;
  frame[1] = joinRefSize;
  frame[2] = topicSize;
  frame[3] = eventSize;
  let offset = writeField(frame, joinRefText, 4, joinRefSize);
  offset = writeField(frame, topic, offset, topicSize);
  writeField(frame, event, offset, eventSize);
  payload.copy(frame, headerSize);
  return frame;
}

/** Reply (kind 1): `[1, join_ref_size, ref_size, topic_size, status_size, join_ref, ref, topic, status, response…]`. */
export function encodeReply(
  joinRef: string | null,
  ref: string | null,
  topic: string,
  status: string,
  response: Buffer,
): Buffer {
  const joinRefText = joinRef ?? '';
  const refText = ref ?? '';
  const joinRefSize = fieldSize(joinRefText, 'join_ref');
  const refSize = fieldSize(refText, 'ref');
  const topicSize = fieldSize(topic, 'topic');
  const statusSize = fieldSize(status, 'status');
  const headerSize = 5 + joinRefSize + refSize + topicSize + statusSize;
  const frame = Buffer.allocUnsafe(headerSize + response.length);
  frame[0] = BinaryKind.reply;
  frame[1] = joinRefSize;
  frame[2] = refSize;
  frame[3] = topicSize;
  frame[4] = statusSize;
  let offset = writeField(frame, joinRefText, 5, joinRefSize);
  offset = writeField(frame, refText, offset, refSize);
  offset = writeField(frame, topic, offset, topicSize);
  writeField(frame, status, offset, statusSize);
  response.copy(frame, headerSize);
  return frame;
}

/** Broadcast (kind 2): `[2, topic_size, event_size, topic, event, payload…]`. */
export function encodeBroadcast(topic: string, event: string, payload: Buffer): Buffer {
  const topicSize = fieldSize(topic, 'topic');
  const eventSize = fieldSize(event, 'event');
  const headerSize = 3 + topicSize + eventSize;
  const frame = Buffer.allocUnsafe(headerSize + payload.length);
  frame[0] = BinaryKind.broadcast;
  frame[1] = topicSize;
  frame[2] = eventSize;
  const offset = writeField(frame, topic, 3, topicSize);
  writeField(frame, event, offset, eventSize);
  payload.copy(frame, headerSize);
  return frame;
}

/** The payload bytes of a broadcast frame (kind 2) this server encoded. */
export function broadcastPayload(frame: Buffer): Buffer {
  if (frame[0] !== BinaryKind.broadcast || frame.length < 3)
    throw new MalformedFrameError('not a broadcast frame');
  return frame.subarray(3 + frame[1] + frame[2]);
}
