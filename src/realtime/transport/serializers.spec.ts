import * as phoenix from 'phoenix';
import { decodeClientPush, encodeBroadcast, encodePush, encodeReply } from './binary-frame.js';
import {
  Binary,
  EncodedJson,
  MalformedFrameError,
  MAX_FIELD_BYTES,
  type Message,
  SplicedFrame,
} from './message.js';
import type { Serializer } from './serializer.js';
import { V1JsonSerializer } from './v1-json.serializer.js';
import { V2JsonSerializer } from './v2-json.serializer.js';

// The official client's serializer (phoenix@1.8.16); @types/phoenix does not declare it.
interface OfficialMessage {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}
interface OfficialSerializer {
  encode(msg: OfficialMessage, callback: (data: string | ArrayBuffer) => void): void;
  decode(raw: string | ArrayBuffer, callback: (msg: OfficialMessage) => void): void;
}
const official = (phoenix as unknown as { Serializer: OfficialSerializer }).Serializer;

function officialEncode(msg: OfficialMessage): string | ArrayBuffer {
  let out: string | ArrayBuffer | undefined;
  official.encode(msg, (data) => (out = data));
  return out!;
}

function officialDecode(raw: string | ArrayBuffer): OfficialMessage {
  let out: OfficialMessage | undefined;
  official.decode(raw, (msg) => (out = msg));
  return out!;
}

/** A fresh ArrayBuffer holding a copy of `buf`, as a browser WebSocket would deliver it. */
function arrayBuffer(buf: Buffer | Uint8Array): ArrayBuffer {
  return new Uint8Array(buf).buffer;
}

/** `hex('00 01 ff')` → the bytes. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Elixir-style bitstring: numbers are bytes, strings are UTF-8. */
function bin(...parts: (number | string)[]): Buffer {
  return Buffer.concat(
    parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from(p, 'utf8'))),
  );
}

function text(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function malformed(serializer: Serializer, data: Buffer, isBinary: boolean): string {
  try {
    serializer.decode(data, isBinary);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedFrameError);
    return (error as Error).message;
  }
  throw new Error('expected a MalformedFrameError');
}

function encodeError(serializer: Serializer, message: Message): Error {
  try {
    serializer.encode(message);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(MalformedFrameError);
    return error as Error;
  }
  throw new Error('expected encode to throw');
}

function binaryFrame(serializer: Serializer, message: Message): Buffer {
  const frame = serializer.encode(message);
  expect(frame.binary).toBe(true);
  expect(Buffer.isBuffer(frame.data)).toBe(true);
  return frame.data as Buffer;
}

/** A text frame's text: a string, or the UTF-8 bytes of a spliced frame (EncodedJson). */
function textFrame(serializer: Serializer, message: Message): string {
  const frame = serializer.encode(message);
  expect(frame.binary).toBe(false);
  if (message.payload instanceof EncodedJson) {
    expect(frame).toBeInstanceOf(SplicedFrame);
    // The payload's bytes are spliced in as they are, never copied.
    expect((frame as SplicedFrame).parts).toContain(message.payload.bytes);
    return (frame.data as Buffer).toString('utf8');
  }
  expect(typeof frame.data).toBe('string');
  return frame.data as string;
}

function bytesOf(payload: unknown): Buffer {
  expect(payload).toBeInstanceOf(Binary);
  return (payload as Binary).bytes;
}

const v1 = new V1JsonSerializer();
const v2 = new V2JsonSerializer();

describe('V2JsonSerializer', () => {
  it('answers to vsn 2.0.0', () => {
    expect(v2.vsn).toBe('2.0.0');
  });

  describe('decode, text frames (§3)', () => {
    it('decodes the join example', () => {
      const data = Buffer.from('["6","6","room:lobby","phx_join",{"user":"bob"}]');
      expect(v2.decode(data, false)).toEqual({
        joinRef: '6',
        ref: '6',
        topic: 'room:lobby',
        event: 'phx_join',
        payload: { user: 'bob' },
      });
    });

    it('decodes null refs (heartbeat)', () => {
      expect(v2.decode(Buffer.from('[null,"21","phoenix","heartbeat",{}]'), false)).toEqual({
        joinRef: null,
        ref: '21',
        topic: 'phoenix',
        event: 'heartbeat',
        payload: {},
      });
      expect(v2.decode(text([null, null, 't', 'e', {}]), false)).toMatchObject({
        joinRef: null,
        ref: null,
      });
    });

    it('ignores extra trailing elements', () => {
      expect(v2.decode(text(['1', '2', 't', 'e', { a: 1 }, 'extra', 42]), false)).toEqual({
        joinRef: '1',
        ref: '2',
        topic: 't',
        event: 'e',
        payload: { a: 1 },
      });
    });

    it('accepts any JSON value as payload', () => {
      for (const payload of [null, 1, 'x', [1, 2], true, { deep: { a: [null] } }]) {
        expect(v2.decode(text(['1', '1', 't', 'e', payload]), false).payload).toEqual(payload);
      }
    });

    it('accepts fields of exactly 255 UTF-8 bytes, multi-byte included', () => {
      const ascii = 'a'.repeat(MAX_FIELD_BYTES);
      const multi = 'é'.repeat(127) + 'a'; // 127 × 2 + 1 = 255 bytes
      const message = v2.decode(text([ascii, multi, ascii, multi, {}]), false);
      expect(message).toMatchObject({ joinRef: ascii, ref: multi, topic: ascii, event: multi });
    });

    it('decodes UTF-8 text', () => {
      const message = v2.decode(text(['1', '1', 'room:café', 'msg', { body: '日本 🎉' }]), false);
      expect(message.topic).toBe('room:café');
      expect(message.payload).toEqual({ body: '日本 🎉' });
    });
  });

  describe('decode, binary frames (§5.1)', () => {
    it('decodes the real-client vector', () => {
      const frame = hex(
        '00 01 02 0a 06 36 31 31 72 6f 6f 6d 3a 6c 6f 62 62 79 75 70 6c 6f 61 64 01 02 03',
      );
      const message = v2.decode(frame, true);
      expect(message).toMatchObject({
        joinRef: '6',
        ref: '11',
        topic: 'room:lobby',
        event: 'upload',
      });
      expect(bytesOf(message.payload)).toEqual(Buffer.from([1, 2, 3]));
    });

    it('decodes Phoenix\'s test vector <<0,2,3,5,5,"12","123","topic","event",101,102,103>>', () => {
      const message = v2.decode(
        bin(0, 2, 3, 5, 5, '12', '123', 'topic', 'event', 101, 102, 103),
        true,
      );
      expect(message).toMatchObject({ joinRef: '12', ref: '123', topic: 'topic', event: 'event' });
      expect(bytesOf(message.payload)).toEqual(Buffer.from([101, 102, 103]));
    });

    it('decodes the JS test vector "\\0\\x01\\x01\\x01\\x0101te\\x01"', () => {
      const message = v2.decode(Buffer.from('\0\x01\x01\x01\x0101te\x01', 'latin1'), true);
      expect(message).toMatchObject({ joinRef: '0', ref: '1', topic: 't', event: 'e' });
      expect(bytesOf(message.payload)).toEqual(Buffer.from([1]));
    });

    it('decodes empty join_ref and ref to null', () => {
      const message = v2.decode(bin(0, 0, 0, 1, 1, 't', 'e', 9), true);
      expect(message).toMatchObject({ joinRef: null, ref: null, topic: 't', event: 'e' });
      expect(bytesOf(message.payload)).toEqual(Buffer.from([9]));
    });

    it('decodes an empty payload and multi-byte header fields', () => {
      const topic = 'room:café';
      const size = Buffer.byteLength(topic);
      const message = v2.decode(bin(0, 1, 1, size, 1, '1', '2', topic, 'e'), true);
      expect(message.topic).toBe(topic);
      expect(bytesOf(message.payload)).toHaveLength(0);
    });

    it('returns the payload as a view of the frame, not a copy', () => {
      const frame = bin(0, 1, 1, 1, 1, '1', '2', 't', 'e', 1, 2, 3);
      const payload = bytesOf(v2.decode(frame, true).payload);
      expect(payload.buffer).toBe(frame.buffer);
      expect(payload.byteOffset).toBe(frame.byteOffset + 9);
    });
  });

  describe('encode, JSON frames (§3)', () => {
    it('splices an EncodedJson payload in as it is, the same frame as the object would give', () => {
      const payload = { '42': { metas: [{ phx_ref: 'F1', nickname: 'ann "a"' }] }, é: [1, null] };
      const message = { joinRef: '7', ref: null, topic: 'room:é', event: 'presence_state' };
      const spliced = textFrame(v2, { ...message, payload: EncodedJson.of(payload) });
      expect(spliced).toBe(textFrame(v2, { ...message, payload }));
      expect(JSON.parse(spliced)).toEqual(['7', null, 'room:é', 'presence_state', payload]);
      expect(textFrame(v2, { ...message, payload: new EncodedJson('[]') })).toBe(
        '["7",null,"room:é","presence_state",[]]',
      );
    });

    it('encodes the reply example', () => {
      const message = {
        joinRef: '6',
        ref: '6',
        topic: 'room:lobby',
        event: 'phx_reply',
        payload: { status: 'ok', response: { hello: 'world' } },
      };
      expect(textFrame(v2, message)).toBe(
        '["6","6","room:lobby","phx_reply",{"status":"ok","response":{"hello":"world"}}]',
      );
    });

    it('encodes a heartbeat reply, a push and a broadcast with null refs', () => {
      const reply = { status: 'ok', response: {} };
      expect(
        textFrame(v2, {
          joinRef: null,
          ref: '21',
          topic: 'phoenix',
          event: 'phx_reply',
          payload: reply,
        }),
      ).toBe('[null,"21","phoenix","phx_reply",{"status":"ok","response":{}}]');
      expect(
        textFrame(v2, {
          joinRef: '6',
          ref: null,
          topic: 'room:lobby',
          event: 'new_msg',
          payload: { body: 'hi' },
        }),
      ).toBe('["6",null,"room:lobby","new_msg",{"body":"hi"}]');
      expect(
        textFrame(v2, {
          joinRef: null,
          ref: null,
          topic: 'room:lobby',
          event: 'tick',
          payload: { n: 1 },
        }),
      ).toBe('[null,null,"room:lobby","tick",{"n":1}]');
    });

    it('keeps an error reply and a reply with a JSON response in text', () => {
      const payload = { status: 'error', response: { reason: 'unmatched topic' } };
      expect(
        textFrame(v2, { joinRef: null, ref: '3', topic: 'x', event: 'phx_reply', payload }),
      ).toBe(
        '[null,"3","x","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]',
      );
    });
  });

  describe('encode, binary frames (§5.2–5.4)', () => {
    it('encodes a push as kind 0 without a ref field (§5.2 vector)', () => {
      const message = {
        joinRef: '6',
        ref: null,
        topic: 'room:lobby',
        event: 'image',
        payload: new Binary(hex('ff d8')),
      };
      expect(binaryFrame(v2, message)).toEqual(
        hex('00 01 0a 05 36 72 6f 6f 6d 3a 6c 6f 62 62 79 69 6d 61 67 65 ff d8'),
      );
    });

    it('drops a non-null ref from a push (the layout has no ref field)', () => {
      const message = {
        joinRef: '12',
        ref: '99',
        topic: 'topic',
        event: 'event',
        payload: Binary.from('efg'),
      };
      expect(binaryFrame(v2, message)).toEqual(
        bin(0, 2, 5, 5, '12', 'topic', 'event', 101, 102, 103),
      );
    });

    it('encodes a push with a null join_ref but a ref as kind 0 with an empty join_ref', () => {
      const message = {
        joinRef: null,
        ref: '1',
        topic: 't',
        event: 'e',
        payload: new Binary(Buffer.from([7])),
      };
      expect(binaryFrame(v2, message)).toEqual(bin(0, 0, 1, 1, 't', 'e', 7));
    });

    it('encodes a reply with a binary response as kind 1 (§5.3 vector)', () => {
      const message = {
        joinRef: '6',
        ref: '11',
        topic: 'room:lobby',
        event: 'phx_reply',
        payload: { status: 'ok', response: new Binary(hex('09 09')) },
      };
      expect(binaryFrame(v2, message)).toEqual(
        hex('01 01 02 0a 02 36 31 31 72 6f 6f 6d 3a 6c 6f 62 62 79 6f 6b 09 09'),
      );
    });

    it('encodes Phoenix\'s reply vector <<1,2,3,5,2,"12","123","topic","ok",101,102,103>>', () => {
      const message = {
        joinRef: '12',
        ref: '123',
        topic: 'topic',
        event: 'phx_reply',
        payload: { status: 'ok', response: Binary.from('efg') },
      };
      expect(binaryFrame(v2, message)).toEqual(
        bin(1, 2, 3, 5, 2, '12', '123', 'topic', 'ok', 101, 102, 103),
      );
    });

    it('encodes null refs of a binary reply as empty strings', () => {
      const message = {
        joinRef: null,
        ref: null,
        topic: 't',
        event: 'phx_reply',
        payload: { status: 'error', response: new Binary(Buffer.from([])) },
      };
      expect(binaryFrame(v2, message)).toEqual(bin(1, 0, 0, 1, 5, 't', 'error'));
    });

    it('encodes a broadcast as kind 2 (§5.4 vector)', () => {
      const message = {
        joinRef: null,
        ref: null,
        topic: 'room:lobby',
        event: 'tick',
        payload: new Binary(hex('2a')),
      };
      expect(binaryFrame(v2, message)).toEqual(
        hex('02 0a 04 72 6f 6f 6d 3a 6c 6f 62 62 79 74 69 63 6b 2a'),
      );
    });

    it('encodes Phoenix\'s broadcast vector <<2,5,5,"topic","event",101,102,103>>', () => {
      const message = {
        joinRef: null,
        ref: null,
        topic: 'topic',
        event: 'event',
        payload: Binary.from('efg'),
      };
      expect(binaryFrame(v2, message)).toEqual(bin(2, 5, 5, 'topic', 'event', 101, 102, 103));
    });

    it('measures multi-byte fields in bytes and accepts exactly 255 of them', () => {
      const topic = 'é'.repeat(127) + 'a'; // 255 bytes
      const frame = binaryFrame(v2, {
        joinRef: null,
        ref: null,
        topic,
        event: '€',
        payload: new Binary(Buffer.from([1])),
      });
      expect(frame[1]).toBe(255);
      expect(frame[2]).toBe(3);
      expect(frame.length).toBe(3 + 255 + 3 + 1);
      expect(frame.subarray(3, 258).toString('utf8')).toBe(topic);
    });

    it('copies an empty or large payload verbatim', () => {
      const big = Buffer.alloc(70_000, 0xab);
      const frame = binaryFrame(v2, {
        joinRef: '1',
        ref: null,
        topic: 't',
        event: 'e',
        payload: new Binary(big),
      });
      expect(frame.subarray(7)).toEqual(big);
      const empty = binaryFrame(v2, {
        joinRef: null,
        ref: null,
        topic: 't',
        event: 'e',
        payload: new Binary(Buffer.from([])),
      });
      expect(empty).toEqual(bin(2, 1, 1, 't', 'e'));
    });

    it('throws a plain Error for header fields over 255 bytes', () => {
      const long = 'a'.repeat(256);
      const multi = 'é'.repeat(128); // 128 characters, 256 bytes
      const payload = new Binary(Buffer.from([1]));
      expect(
        encodeError(v2, { joinRef: null, ref: null, topic: long, event: 'e', payload }).message,
      ).toMatch(/topic/);
      expect(
        encodeError(v2, { joinRef: null, ref: null, topic: 't', event: multi, payload }).message,
      ).toMatch(/event/);
      expect(
        encodeError(v2, { joinRef: multi, ref: null, topic: 't', event: 'e', payload }).message,
      ).toMatch(/join_ref/);
      const reply = (status: string, ref: string): Message => ({
        joinRef: '1',
        ref,
        topic: 't',
        event: 'phx_reply',
        payload: { status, response: payload },
      });
      expect(encodeError(v2, reply('ok', long)).message).toMatch(/ref/);
      expect(encodeError(v2, reply(long, '1')).message).toMatch(/status/);
    });

    it('throws for a binary reply without a string status', () => {
      const message = {
        joinRef: '1',
        ref: '1',
        topic: 't',
        event: 'phx_reply',
        payload: { response: new Binary(Buffer.from([1])) },
      };
      expect(encodeError(v2, message).message).toMatch(/status/);
    });
  });

  describe('round trips', () => {
    it('decodes what it encodes as JSON', () => {
      const messages: Message[] = [
        {
          joinRef: '6',
          ref: '7',
          topic: 'room:lobby',
          event: 'new_msg',
          payload: { body: 'héllo 🎉', n: [1, null] },
        },
        { joinRef: null, ref: null, topic: 'room:lobby', event: 'tick', payload: {} },
        {
          joinRef: null,
          ref: '1',
          topic: 'phoenix',
          event: 'phx_reply',
          payload: { status: 'ok', response: {} },
        },
      ];
      for (const message of messages) {
        expect(v2.decode(Buffer.from(textFrame(v2, message)), false)).toEqual(message);
      }
    });

    it('binary helpers: a client push re-laid out with a ref decodes back', () => {
      // The server push layout has no ref, so build a client frame by hand and decode it.
      const frame = Buffer.concat([
        bin(0, 1, 2, 1, 1),
        Buffer.from('1' + '22' + 't' + 'e'),
        Buffer.from([5, 6]),
      ]);
      const push = decodeClientPush(frame);
      expect(push).toEqual({
        joinRef: '1',
        ref: '22',
        topic: 't',
        event: 'e',
        payload: Buffer.from([5, 6]),
      });
      expect(encodePush('1', 't', 'e', push.payload)).toEqual(bin(0, 1, 1, 1, '1', 't', 'e', 5, 6));
      expect(encodeReply('1', '22', 't', 'ok', push.payload)).toEqual(
        bin(1, 1, 2, 1, 2, '1', '22', 't', 'ok', 5, 6),
      );
      expect(encodeBroadcast('t', 'e', push.payload)).toEqual(bin(2, 1, 1, 't', 'e', 5, 6));
    });
  });

  describe('malformed frames', () => {
    it('rejects non-JSON text', () => {
      expect(malformed(v2, Buffer.from('not json'), false)).toBe('invalid JSON');
      expect(malformed(v2, Buffer.from(''), false)).toBe('invalid JSON');
      expect(malformed(v2, Buffer.from('["1","1","t","e",{}'), false)).toBe('invalid JSON');
    });

    it('rejects JSON that is not an array', () => {
      for (const value of [{ topic: 't' }, 'str', 42, null, true]) {
        expect(malformed(v2, text(value), false)).toBe('expected a JSON array');
      }
    });

    it('rejects arrays of fewer than 5 elements', () => {
      expect(malformed(v2, text([]), false)).toMatch(/expected an array of 5 elements/);
      expect(malformed(v2, text(['1', '1', 't', 'e']), false)).toMatch(
        /expected an array of 5 elements/,
      );
    });

    it('rejects non-string topic and event', () => {
      expect(malformed(v2, text(['1', '1', 1, 'e', {}]), false)).toBe('topic must be a string');
      expect(malformed(v2, text(['1', '1', null, 'e', {}]), false)).toBe('topic must be a string');
      expect(malformed(v2, text(['1', '1', 't', { e: 1 }, {}]), false)).toBe(
        'event must be a string',
      );
      expect(malformed(v2, text(['1', '1', 't', null, {}]), false)).toBe('event must be a string');
    });

    it('rejects refs that are neither strings nor null', () => {
      expect(malformed(v2, text(['1', 1, 't', 'e', {}]), false)).toBe(
        'ref must be a string or null',
      );
      expect(malformed(v2, text([6, '1', 't', 'e', {}]), false)).toBe(
        'join_ref must be a string or null',
      );
      expect(malformed(v2, text([['1'], '1', 't', 'e', {}]), false)).toMatch(/join_ref/);
      expect(malformed(v2, text(['1', false, 't', 'e', {}]), false)).toMatch(/ref/);
    });

    it('rejects fields over 255 UTF-8 bytes, counting bytes not characters', () => {
      const long = 'a'.repeat(256);
      const multi = '€'.repeat(86); // 86 characters, 258 bytes
      expect(malformed(v2, text(['1', '1', long, 'e', {}]), false)).toBe(
        'topic longer than 255 bytes',
      );
      expect(malformed(v2, text(['1', '1', multi, 'e', {}]), false)).toBe(
        'topic longer than 255 bytes',
      );
      expect(malformed(v2, text(['1', '1', 't', multi, {}]), false)).toBe(
        'event longer than 255 bytes',
      );
      expect(malformed(v2, text([multi, '1', 't', 'e', {}]), false)).toBe(
        'join_ref longer than 255 bytes',
      );
      expect(malformed(v2, text(['1', long, 't', 'e', {}]), false)).toBe(
        'ref longer than 255 bytes',
      );
      expect(malformed(v2, text(['1', '1', 't', '🎉'.repeat(64), {}]), false)).toMatch(
        /event longer/,
      ); // 256 bytes
    });

    it('rejects unknown binary kinds and server-only kinds', () => {
      expect(malformed(v2, bin(3, 1, 1, 1, 1, '1', '1', 't', 'e'), true)).toBe(
        'unknown binary kind 3',
      );
      expect(malformed(v2, Buffer.from('["1","1","t","e",{}]'), true)).toBe(
        'unknown binary kind 91',
      );
      expect(malformed(v2, bin(1, 1, 1, 1, 2, '1', '1', 't', 'ok'), true)).toMatch(/binary kind 1/);
      expect(malformed(v2, bin(2, 1, 1, 't', 'e'), true)).toMatch(/binary kind 2/);
    });

    it('rejects empty and truncated binary frames', () => {
      expect(malformed(v2, Buffer.alloc(0), true)).toBe('empty binary frame');
      expect(malformed(v2, bin(0, 1, 1, 1), true)).toBe('truncated binary header');
      expect(malformed(v2, bin(0, 1, 1, 5, 1, '1', '1', 'top'), true)).toBe(
        'truncated binary frame',
      );
      expect(malformed(v2, bin(0, 1, 1, 1, 2, '1', '1', 't', 'e'), true)).toBe(
        'truncated binary frame',
      );
      expect(malformed(v2, bin(0, 255, 255, 255, 255, 'x'), true)).toBe('truncated binary frame');
    });

    it('rejects binary header fields that are not UTF-8', () => {
      expect(malformed(v2, bin(0, 1, 1, 1, 1, '1', '1', 0xff, 'e'), true)).toBe(
        'topic is not valid UTF-8',
      );
      expect(malformed(v2, bin(0, 1, 1, 1, 1, 0xc3, '1', 't', 'e'), true)).toBe(
        'join_ref is not valid UTF-8',
      );
    });
  });

  describe('against the official phoenix@1.8.16 client serializer', () => {
    it("decodes the client's binary push", () => {
      const payload = new Uint8Array([1, 2, 3]).buffer;
      const raw = officialEncode({
        join_ref: '6',
        ref: '11',
        topic: 'room:lobby',
        event: 'upload',
        payload,
      });
      expect(raw).toBeInstanceOf(ArrayBuffer);
      const frame = Buffer.from(raw as ArrayBuffer);
      expect(frame).toEqual(
        hex('00 01 02 0a 06 36 31 31 72 6f 6f 6d 3a 6c 6f 62 62 79 75 70 6c 6f 61 64 01 02 03'),
      );
      const message = v2.decode(frame, true);
      expect(message).toMatchObject({
        joinRef: '6',
        ref: '11',
        topic: 'room:lobby',
        event: 'upload',
      });
      expect(bytesOf(message.payload)).toEqual(Buffer.from([1, 2, 3]));
    });

    it("decodes the client's binary push with multi-byte fields and an empty payload", () => {
      const raw = officialEncode({
        join_ref: '1',
        ref: '2',
        topic: 'salle:café',
        event: 'énvoi',
        payload: new ArrayBuffer(0),
      });
      const message = v2.decode(Buffer.from(raw as ArrayBuffer), true);
      expect(message).toMatchObject({
        joinRef: '1',
        ref: '2',
        topic: 'salle:café',
        event: 'énvoi',
      });
      expect(bytesOf(message.payload)).toHaveLength(0);
    });

    it("decodes the client's JSON frames", () => {
      const raw = officialEncode({
        join_ref: '6',
        ref: '6',
        topic: 'room:lobby',
        event: 'phx_join',
        payload: { user: 'bob' },
      });
      expect(typeof raw).toBe('string');
      expect(v2.decode(Buffer.from(raw as string), false)).toEqual({
        joinRef: '6',
        ref: '6',
        topic: 'room:lobby',
        event: 'phx_join',
        payload: { user: 'bob' },
      });
      const heartbeat = officialEncode({
        join_ref: null,
        ref: '21',
        topic: 'phoenix',
        event: 'heartbeat',
        payload: {},
      });
      expect(v2.decode(Buffer.from(heartbeat as string), false)).toEqual({
        joinRef: null,
        ref: '21',
        topic: 'phoenix',
        event: 'heartbeat',
        payload: {},
      });
    });

    it('decodes our binary push', () => {
      const frame = binaryFrame(v2, {
        joinRef: '6',
        ref: null,
        topic: 'room:lobby',
        event: 'image',
        payload: new Binary(hex('ff d8')),
      });
      const decoded = officialDecode(arrayBuffer(frame));
      expect(decoded).toMatchObject({
        join_ref: '6',
        ref: null,
        topic: 'room:lobby',
        event: 'image',
      });
      expect(Buffer.from(decoded.payload as ArrayBuffer)).toEqual(hex('ff d8'));
    });

    it('decodes our binary reply', () => {
      const frame = binaryFrame(v2, {
        joinRef: '6',
        ref: '11',
        topic: 'room:café',
        event: 'phx_reply',
        payload: { status: 'ok', response: new Binary(hex('09 09')) },
      });
      const decoded = officialDecode(arrayBuffer(frame));
      expect(decoded).toMatchObject({
        join_ref: '6',
        ref: '11',
        topic: 'room:café',
        event: 'phx_reply',
      });
      const payload = decoded.payload as { status: string; response: ArrayBuffer };
      expect(payload.status).toBe('ok');
      expect(Buffer.from(payload.response)).toEqual(hex('09 09'));
    });

    it('decodes our binary broadcast', () => {
      const frame = binaryFrame(v2, {
        joinRef: null,
        ref: null,
        topic: 'room:lobby',
        event: 'tick',
        payload: new Binary(hex('2a')),
      });
      const decoded = officialDecode(arrayBuffer(frame));
      expect(decoded).toMatchObject({
        join_ref: null,
        ref: null,
        topic: 'room:lobby',
        event: 'tick',
      });
      expect(Buffer.from(decoded.payload as ArrayBuffer)).toEqual(hex('2a'));
    });

    it('decodes our JSON frames', () => {
      const reply = textFrame(v2, {
        joinRef: '6',
        ref: '6',
        topic: 'room:lobby',
        event: 'phx_reply',
        payload: { status: 'ok', response: { hello: 'world' } },
      });
      expect(officialDecode(reply)).toEqual({
        join_ref: '6',
        ref: '6',
        topic: 'room:lobby',
        event: 'phx_reply',
        payload: { status: 'ok', response: { hello: 'world' } },
      });
      const broadcast = textFrame(v2, {
        joinRef: null,
        ref: null,
        topic: 'room:lobby',
        event: 'tick',
        payload: { n: 1 },
      });
      expect(officialDecode(broadcast)).toEqual({
        join_ref: null,
        ref: null,
        topic: 'room:lobby',
        event: 'tick',
        payload: { n: 1 },
      });
    });
  });
});

describe('V1JsonSerializer', () => {
  it('answers to vsn 1.0.0', () => {
    expect(v1.vsn).toBe('1.0.0');
  });

  describe('decode (§4)', () => {
    it('decodes the join example with join_ref', () => {
      const data = Buffer.from(
        '{"topic":"room:lobby","event":"phx_join","payload":{},"ref":"1","join_ref":"1"}',
      );
      expect(v1.decode(data, false)).toEqual({
        joinRef: '1',
        ref: '1',
        topic: 'room:lobby',
        event: 'phx_join',
        payload: {},
      });
    });

    it('treats a missing join_ref as null and accepts null ref and join_ref', () => {
      expect(
        v1.decode(text({ topic: 't', event: 'e', payload: { a: 1 }, ref: '3' }), false),
      ).toEqual({
        joinRef: null,
        ref: '3',
        topic: 't',
        event: 'e',
        payload: { a: 1 },
      });
      expect(
        v1.decode(
          text({ topic: 't', event: 'e', payload: null, ref: null, join_ref: null }),
          false,
        ),
      ).toEqual({
        joinRef: null,
        ref: null,
        topic: 't',
        event: 'e',
        payload: null,
      });
    });

    it('ignores unknown keys and key order', () => {
      const data = text({ ref: '2', extra: true, payload: [1], event: 'e', topic: 't' });
      expect(v1.decode(data, false)).toEqual({
        joinRef: null,
        ref: '2',
        topic: 't',
        event: 'e',
        payload: [1],
      });
    });
  });

  describe('encode (§4)', () => {
    it('splices an EncodedJson payload in as it is', () => {
      const payload = { a: { metas: [{ phx_ref: 'F1' }] } };
      const frame = textFrame(v1, {
        joinRef: '3',
        ref: null,
        topic: 'room:lobby',
        event: 'presence_state',
        payload: EncodedJson.of(payload),
      });
      expect(JSON.parse(frame)).toEqual({
        topic: 'room:lobby',
        event: 'presence_state',
        payload,
        ref: null,
      });
    });

    it('encodes the spec examples exactly, never with join_ref', () => {
      expect(
        textFrame(v1, {
          joinRef: '1',
          ref: '1',
          topic: 'room:lobby',
          event: 'phx_reply',
          payload: { status: 'ok', response: {} },
        }),
      ).toBe(
        '{"topic":"room:lobby","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"1"}',
      );
      expect(
        textFrame(v1, {
          joinRef: '5',
          ref: null,
          topic: 'room:lobby',
          event: 'user_entered',
          payload: { user: null },
        }),
      ).toBe('{"topic":"room:lobby","event":"user_entered","payload":{"user":null},"ref":null}');
      expect(
        textFrame(v1, {
          joinRef: '1',
          ref: '1',
          topic: 'room:lobby',
          event: 'phx_error',
          payload: { reason: 'channel_crash' },
        }),
      ).toBe(
        '{"topic":"room:lobby","event":"phx_error","payload":{"reason":"channel_crash"},"ref":"1"}',
      );
    });

    it('encodes the heartbeat reply (§7.1)', () => {
      expect(
        textFrame(v1, {
          joinRef: null,
          ref: '21',
          topic: 'phoenix',
          event: 'phx_reply',
          payload: { status: 'ok', response: {} },
        }),
      ).toBe(
        '{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"21"}',
      );
    });

    it('has exactly the keys topic, event, payload and ref', () => {
      const data = textFrame(v1, { joinRef: '9', ref: '9', topic: 't', event: 'e', payload: {} });
      expect(Object.keys(JSON.parse(data) as object)).toEqual(['topic', 'event', 'payload', 'ref']);
      expect(data).not.toContain('join_ref');
    });

    it('round-trips, dropping join_ref', () => {
      const message = {
        joinRef: '4',
        ref: '5',
        topic: 'room:café',
        event: 'msg',
        payload: { body: '🎉' },
      };
      expect(v1.decode(Buffer.from(textFrame(v1, message)), false)).toEqual({
        ...message,
        joinRef: null,
      });
    });

    it('throws a plain Error for binary payloads and binary reply responses', () => {
      expect(
        encodeError(v1, {
          joinRef: '1',
          ref: null,
          topic: 't',
          event: 'e',
          payload: new Binary(Buffer.from([1])),
        }).message,
      ).toMatch(/V1/);
      expect(
        encodeError(v1, {
          joinRef: null,
          ref: null,
          topic: 't',
          event: 'e',
          payload: new Binary(Buffer.from([1])),
        }).message,
      ).toMatch(/V1/);
      const reply = { status: 'ok', response: new Binary(Buffer.from([1])) };
      expect(
        encodeError(v1, { joinRef: '1', ref: '1', topic: 't', event: 'phx_reply', payload: reply })
          .message,
      ).toMatch(/V1/);
    });
  });

  describe('malformed frames', () => {
    it('rejects binary frames', () => {
      expect(
        malformed(
          v1,
          hex('00 01 02 0a 06 36 31 31 72 6f 6f 6d 3a 6c 6f 62 62 79 75 70 6c 6f 61 64 01 02 03'),
          true,
        ),
      ).toBe('binary frames are not supported in V1');
      expect(malformed(v1, text({ topic: 't', event: 'e', payload: {}, ref: '1' }), true)).toMatch(
        /binary/,
      );
    });

    it('rejects non-JSON and non-objects', () => {
      expect(malformed(v1, Buffer.from('{topic:'), false)).toBe('invalid JSON');
      for (const value of [['1', '1', 't', 'e', {}], null, 'str', 3]) {
        expect(malformed(v1, text(value), false)).toBe('expected a JSON object');
      }
    });

    it('rejects a missing required key, ref included', () => {
      const full = { topic: 't', event: 'e', payload: {}, ref: '1' };
      for (const key of ['topic', 'event', 'payload', 'ref'] as const) {
        const partial: Record<string, unknown> = { ...full };
        delete partial[key];
        expect(malformed(v1, text(partial), false)).toBe(`missing key "${key}"`);
      }
    });

    it('rejects wrong field types', () => {
      expect(malformed(v1, text({ topic: 1, event: 'e', payload: {}, ref: '1' }), false)).toBe(
        'topic must be a string',
      );
      expect(malformed(v1, text({ topic: 't', event: null, payload: {}, ref: '1' }), false)).toBe(
        'event must be a string',
      );
      expect(malformed(v1, text({ topic: 't', event: 'e', payload: {}, ref: 1 }), false)).toBe(
        'ref must be a string or null',
      );
      expect(
        malformed(v1, text({ topic: 't', event: 'e', payload: {}, ref: '1', join_ref: 1 }), false),
      ).toBe('join_ref must be a string or null');
    });

    it('rejects fields over 255 UTF-8 bytes', () => {
      const multi = 'é'.repeat(128); // 256 bytes
      expect(malformed(v1, text({ topic: multi, event: 'e', payload: {}, ref: '1' }), false)).toBe(
        'topic longer than 255 bytes',
      );
      expect(malformed(v1, text({ topic: 't', event: multi, payload: {}, ref: '1' }), false)).toBe(
        'event longer than 255 bytes',
      );
      expect(malformed(v1, text({ topic: 't', event: 'e', payload: {}, ref: multi }), false)).toBe(
        'ref longer than 255 bytes',
      );
      expect(
        malformed(
          v1,
          text({ topic: 't', event: 'e', payload: {}, ref: '1', join_ref: multi }),
          false,
        ),
      ).toBe('join_ref longer than 255 bytes');
      const ok = 'é'.repeat(127) + 'a';
      expect(v1.decode(text({ topic: ok, event: 'e', payload: {}, ref: '1' }), false).topic).toBe(
        ok,
      );
    });
  });
});
