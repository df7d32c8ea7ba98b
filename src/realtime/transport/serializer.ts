import type { Frame, Message } from './message.js';

/**
 * A Phoenix framing. V1 ("1.0.x"): JSON objects, no binary. V2 ("2.0.x"): JSON arrays
 * `[join_ref, ref, topic, event, payload]` plus binary frames (kinds 0 push, 1 reply,
 * 2 broadcast). See ../../../../shared/spec/phoenix-protocol.md sections 3 to 5.
 */
export interface Serializer {
  /** "1.0.0" or "2.0.0": the version this framing answers to. */
  readonly vsn: string;

  /**
   * Decodes a client frame. Throws MalformedFrameError for anything that is not a valid
   * message of this framing: bad JSON, wrong arity or type, non-string topic/event, refs that
   * are neither strings nor null, a field over MAX_FIELD_BYTES, a binary frame in V1, a binary
   * kind other than 0. A V2 binary push decodes to a Message whose payload is a Binary.
   */
  decode(data: Buffer, isBinary: boolean): Message;

  /**
   * Encodes a server message. V2: a Binary payload gives a binary frame (kind 2 when joinRef
   * and ref are both null, i.e. a broadcast; kind 0 otherwise, a push, whose frame has no ref);
   * a `phx_reply` whose `payload.response` is a Binary gives kind 1; everything else a JSON
   * array. V1: a JSON object with only topic, event, payload and ref (never join_ref); a Binary
   * anywhere throws (V1 cannot carry bytes).
   */
  encode(message: Message): Frame;
}
