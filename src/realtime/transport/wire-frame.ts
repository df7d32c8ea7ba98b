import * as ws from 'ws';
import { type Frame, SplicedFrame } from './message.js';

/** The part of `ws`'s Sender this uses: its framing, untyped in @types/ws. */
interface WsFraming {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): [Buffer, Buffer];
}

const { Sender } = ws as unknown as { Sender: WsFraming };

const TEXT = 0x1;
const BINARY = 0x2;
const FIN = 0x80;

/**
 * `frame` as the bytes of one unmasked, unfragmented WebSocket message (RFC 6455 header, built
 * by `ws`'s own Sender, then the payload) in a single buffer, built once per frame: a broadcast
 * written to a thousand sockets is framed once, and each socket gets one write of one chunk.
 */
export function wireBytes(frame: Frame): Buffer {
  let wire = frame.wire;
  if (wire === undefined) {
    const payload = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
    const [header] = Sender.frame(payload, {
      fin: true,
      rsv1: false,
      opcode: frame.binary ? BINARY : TEXT,
      mask: false,
      readOnly: false,
    });
    wire = Buffer.concat([header, payload], header.length + payload.length);
    frame.wire = wire;
  }
  return wire;
}

/**
 * A spliced frame as WebSocket chunks: its header joined to its first part, then the other parts
 * as they are (the shared one is not copied). Written one after the other to a corked socket,
 * they leave in one writev.
 */
export function wireChunks(frame: SplicedFrame): Buffer[] {
  const [first, ...rest] = frame.parts;
  let length = 0;
  for (const part of frame.parts) length += part.length;
  return [Buffer.concat([textHeader(length), first]), ...rest];
}

/**
 * The header of an unmasked, final text frame of `length` payload bytes (RFC 6455 §5.2: 7-bit
 * length, or 126 and 16 bits, or 127 and 64 bits), for spliced frames, whose payload is never
 * one buffer to hand to `ws`'s Sender (the spec checks both give the same bytes).
 */
export function textHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([FIN | TEXT, length]);
  if (length < 65536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = FIN | TEXT;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = FIN | TEXT;
  header[1] = 127;
  header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  header.writeUInt32BE(length >>> 0, 6);
  return header;
}
