import { broadcastPayload } from '../transport/binary-frame.js';
import { Binary, type Frame } from '../transport/message.js';
import type { Serializer } from '../transport/serializer.js';

const UNDECODED = Symbol('undecoded');

/**
 * A message for every subscriber of a topic: `[null, null, topic, event, payload]`.
 * It is encoded at most once per framing, however many subscribers receive it (fastlane).
 * One that came from another node arrives already encoded in V2 framing: V2 sockets get those
 * very bytes, and the payload is decoded only when something asks for it (a V1 socket, an
 * outgoing hook).
 */
export class Broadcast {
  private readonly frames = new Map<Serializer, Frame>();
  private decoded: unknown;

  constructor(
    readonly topic: string,
    readonly event: string,
    /** A JSON object, or a Binary (sent as a binary frame, kind 2). */
    payload: unknown,
  ) {
    this.decoded = payload;
  }

  /** A broadcast received already encoded by `serializer` (another node's V2 frame). */
  static encoded(topic: string, event: string, serializer: Serializer, frame: Frame): Broadcast {
    const broadcast = new Broadcast(topic, event, UNDECODED);
    broadcast.frames.set(serializer, frame);
    return broadcast;
  }

  get payload(): unknown {
    if (this.decoded === UNDECODED) this.decoded = this.decodeReceived();
    return this.decoded;
  }

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

  /** The payload of the one frame a received broadcast came with (V2: an array, or kind 2). */
  private decodeReceived(): unknown {
    const [frame] = this.frames.values();
    const data = Buffer.isBuffer(frame.data) ? frame.data : Buffer.from(frame.data, 'utf8');
    if (frame.binary) return new Binary(broadcastPayload(data));
    return (JSON.parse(data.toString('utf8')) as unknown[])[4];
  }
}
