import * as ws from 'ws';
import type { Frame } from './message.js';

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
