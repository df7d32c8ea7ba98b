/** What every measured message carries: sender index, per-sender seq, send time (epoch ms). */
export interface Probe {
  s: number;
  seq: number;
  t: number;
}

/** Wall-clock time in ms with sub-ms precision; the same clock stamps sends and receipts. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

const PAD = 'x'.repeat(64 * 1024);

/**
 * `{"s":…,"seq":…,"t":…,"pad":"xxx…"}`, padded so the JSON is `payloadBytes` long (or as short
 * as it can be). The fields come first and in this order so `decodeProbe` can read them
 * without parsing the whole message.
 */
export function encodeProbe(s: number, seq: number, t: number, payloadBytes: number): string {
  const head = `{"s":${s},"seq":${seq},"t":${t},"pad":"`;
  const padLength = Math.max(0, Math.min(PAD.length, payloadBytes - head.length - 2));
  return `${head}${PAD.slice(0, padLength)}"}`;
}

/** The same as an object (for socket.io, which serializes by itself). */
export function probeObject(s: number, seq: number, t: number, payloadBytes: number): object {
  return JSON.parse(encodeProbe(s, seq, t, payloadBytes)) as object;
}

const S = '{"s":';
const SEQ = ',"seq":';
const T = ',"t":';

/** Reads the probe fields of `encodeProbe`'s JSON starting at `start`; undefined if it isn't one. */
export function decodeProbe(text: string, start = 0): Probe | undefined {
  if (!text.startsWith(S, start)) return undefined;
  const seqAt = text.indexOf(SEQ, start + S.length);
  if (seqAt < 0) return undefined;
  const tAt = text.indexOf(T, seqAt + SEQ.length);
  if (tAt < 0) return undefined;
  const tEnd = text.indexOf(',', tAt + T.length);
  if (tEnd < 0) return undefined;
  const s = Number(text.slice(start + S.length, seqAt));
  const seq = Number(text.slice(seqAt + SEQ.length, tAt));
  const t = Number(text.slice(tAt + T.length, tEnd));
  if (!Number.isInteger(s) || !Number.isInteger(seq) || !Number.isFinite(t)) return undefined;
  return { s, seq, t };
}

/** The probe fields of an already parsed payload (socket.io). */
export function probeOf(value: unknown): Probe | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { s, seq, t } = value as Partial<Probe>;
  return typeof s === 'number' && typeof seq === 'number' && typeof t === 'number'
    ? { s, seq, t }
    : undefined;
}
