import {
  checkName,
  checkRef,
  decodeClientPush,
  encodeBroadcast,
  encodePush,
  encodeReply,
  parseJson,
} from './binary-frame.js';
import {
  Binary,
  EncodedJson,
  MalformedFrameError,
  PHX,
  SplicedFrame,
  type Frame,
  type Message,
} from './message.js';
import type { Serializer } from './serializer.js';

const CLOSE_ARRAY = Buffer.from(']');

/**
 * Phoenix V2 framing (vsn 2.0.x, the official JS client's): text frames are JSON arrays
 * `[join_ref, ref, topic, event, payload]`; binary frames follow spec §5 (kind 0 from clients;
 * kinds 0 push, 1 reply and 2 broadcast from the server).
 */
export class V2JsonSerializer implements Serializer {
  readonly vsn = '2.0.0';

  decode(data: Buffer, isBinary: boolean): Message {
    if (isBinary) {
      const push = decodeClientPush(data);
      return {
        joinRef: push.joinRef,
        ref: push.ref,
        topic: push.topic,
        event: push.event,
        payload: new Binary(push.payload),
      };
    }
    const parsed = parseJson(data);
    if (!Array.isArray(parsed)) throw new MalformedFrameError('expected a JSON array');
    if (parsed.length < 5) {
      throw new MalformedFrameError(`expected an array of 5 elements, got ${parsed.length}`);
    }
    const fields = parsed as unknown[];
    // Extra trailing elements are ignored, as Phoenix does.
    return {
      joinRef: checkRef(fields[0], 'join_ref'),
      ref: checkRef(fields[1], 'ref'),
      topic: checkName(fields[2], 'topic'),
      event: checkName(fields[3], 'event'),
      payload: fields[4],
    };
  }

  encode(message: Message): Frame {
    const { joinRef, ref, topic, event, payload } = message;
    if (payload instanceof Binary) {
      const data =
        joinRef === null && ref === null
          ? encodeBroadcast(topic, event, payload.bytes)
          : encodePush(joinRef, topic, event, payload.bytes);
      return { data, binary: true };
    }
    if (event === PHX.reply && typeof payload === 'object' && payload !== null) {
      const { status, response } = payload as { status?: unknown; response?: unknown };
      if (response instanceof Binary) {
        if (typeof status !== 'string') {
          throw new Error('a binary reply needs a string status');
        }
        return { data: encodeReply(joinRef, ref, topic, status, response.bytes), binary: true };
      }
    }
    if (payload instanceof EncodedJson) {
      const head = JSON.stringify([joinRef, ref, topic, event]);
      return new SplicedFrame([Buffer.from(`${head.slice(0, -1)},`), payload.bytes, CLOSE_ARRAY]);
    }
    return { data: JSON.stringify([joinRef, ref, topic, event, payload]), binary: false };
  }
}
