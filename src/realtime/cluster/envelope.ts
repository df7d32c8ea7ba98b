import type { NodeIdentity } from './cluster-bus.js';

/** What travels on Redis: a small JSON header, then the body's bytes as they are. */
export interface Envelope {
  kind: string;
  origin: NodeIdentity;
  /** Sequence number of this message from `origin` on its channel (starts at 1). */
  seq: number;
  body: Buffer;
}

interface Header {
  k: string;
  n: string;
  b: string;
  s: number;
}

/** `[u32 header length][header JSON][body]`. */
export function encodeEnvelope({ kind, origin, seq, body }: Envelope): Buffer {
  const header = Buffer.from(
    JSON.stringify({ k: kind, n: origin.name, b: origin.boot, s: seq } satisfies Header),
  );
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(header.length, 0);
  return Buffer.concat([prefix, header, body]);
}

/** The envelope, or undefined for bytes that are not one (another program on the channel). */
export function decodeEnvelope(bytes: Buffer): Envelope | undefined {
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  if (4 + length > bytes.length) return undefined;
  let header: Partial<Header>;
  try {
    header = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Partial<Header>;
  } catch {
    return undefined;
  }
  const { k, n, b, s } = header;
  if (typeof k !== 'string' || typeof n !== 'string' || typeof b !== 'string') return undefined;
  if (typeof s !== 'number' || !Number.isSafeInteger(s)) return undefined;
  return { kind: k, origin: { name: n, boot: b }, seq: s, body: bytes.subarray(4 + length) };
}
