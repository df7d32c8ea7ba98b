import { checkName, checkRef, parseJson } from './binary-frame.js';
import {
  Binary,
  EncodedJson,
  MalformedFrameError,
  SplicedFrame,
  type Frame,
  type Message,
} from './message.js';
import type { Serializer } from './serializer.js';

const CLOSE_OBJECT = Buffer.from('}');

const REQUIRED_KEYS = ['topic', 'event', 'payload', 'ref'] as const;

/**
 * Phoenix V1 framing (vsn 1.0.x, or no vsn): JSON objects
 * `{"topic", "event", "payload", "ref", "join_ref"?}` in, `{"topic", "event", "payload", "ref"}`
 * out. No binary frames in either direction.
 */
export class V1JsonSerializer implements Serializer {
  readonly vsn = '1.0.0';

  decode(data: Buffer, isBinary: boolean): Message {
    if (isBinary) throw new MalformedFrameError('binary frames are not supported in V1');
    const parsed = parseJson(data);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MalformedFrameError('expected a JSON object');
    }
    const fields = parsed as Record<string, unknown>;
    for (const key of REQUIRED_KEYS) {
      if (!Object.hasOwn(fields, key)) throw new MalformedFrameError(`missing key "${key}"`);
    }
    return {
      joinRef: Object.hasOwn(fields, 'join_ref') ? checkRef(fields.join_ref, 'join_ref') : null,
      ref: checkRef(fields.ref, 'ref'),
      topic: checkName(fields.topic, 'topic'),
      event: checkName(fields.event, 'event'),
      payload: fields.payload,
    };
  }

  encode(message: Message): Frame {
    const { topic, event, payload, ref } = message;
    if (payload instanceof Binary) throw new Error('V1 cannot carry a binary payload');
    if (
      typeof payload === 'object' &&
      payload !== null &&
      (payload as { response?: unknown }).response instanceof Binary
    ) {
      throw new Error('V1 cannot carry a binary reply');
    }
    // join_ref is never sent in V1, not even for replies and pushes.
    if (payload instanceof EncodedJson) {
      const head = JSON.stringify({ topic, event, ref });
      return new SplicedFrame([
        Buffer.from(`${head.slice(0, -1)},"payload":`),
        payload.bytes,
        CLOSE_OBJECT,
      ]);
    }
    return { data: JSON.stringify({ topic, event, payload, ref }), binary: false };
  }
}
