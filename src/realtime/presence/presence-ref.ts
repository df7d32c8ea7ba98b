import { randomBytes } from 'node:crypto';

/**
 * Presence refs, shaped like Phoenix.Tracker's (spec §10.1): URL-safe base64 (no padding) of
 * 12 bytes = `system_time_ns::64, node_id::16, counter::16` → always 16 characters.
 *
 * Uniqueness within the process is guaranteed: the nanosecond timestamp is made strictly
 * monotonic (`Date.now()` in ms scaled to ns, bumped by one ns whenever the clock has not moved
 * past the previous value, or went backwards). The node id (random per process) and the
 * wrapping counter make collisions between processes very unlikely. Clients treat the value as
 * opaque; nothing may parse it.
 */

const NODE_ID = randomBytes(2).readUInt16BE(0);
const U64_MAX = (1n << 64n) - 1n;

let lastNs = 0n;
let counter = randomBytes(2).readUInt16BE(0);

export function presenceRef(): string {
  let ns = BigInt(Date.now()) * 1_000_000n;
  if (ns <= lastNs) ns = lastNs + 1n;
  lastNs = ns;
  counter = (counter + 1) & 0xffff;

  const bytes = Buffer.allocUnsafe(12);
  bytes.writeBigUInt64BE(ns & U64_MAX, 0);
  bytes.writeUInt16BE(NODE_ID, 8);
  bytes.writeUInt16BE(counter, 10);
  return bytes.toString('base64url');
}
