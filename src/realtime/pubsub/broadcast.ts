import type { Frame } from '../transport/message.js';
import type { Serializer } from '../transport/serializer.js';

/**
 * A message for every subscriber of a topic: `[null, null, topic, event, payload]`.
 * It is encoded at most once per framing, however many subscribers receive it (fastlane).
 */
export class Broadcast {
  private readonly frames = new Map<Serializer, Frame>();

  constructor(
    readonly topic: string,
    readonly event: string,
    /** A JSON object, or a Binary (sent as a binary frame, kind 2). */
    readonly payload: unknown,
  ) {}

  frameFor(serializer: Serializer): Frame {
    let frame = this.frames.get(serializer);
    if (frame === undefined) {
      const encoded = serializer.encode({
        joinRef: null,
        ref: null,
        topic: this.topic,
        event: this.event,
        payload: this.payload,
      });
      // Bytes once, so that no subscriber's write encodes the text again.
      const data =
        typeof encoded.data === 'string' ? Buffer.from(encoded.data, 'utf8') : encoded.data;
      frame = { data, binary: encoded.binary };
      this.frames.set(serializer, frame);
    }
    return frame;
  }
}
