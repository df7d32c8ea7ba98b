import type { LongPollSession } from './longpoll-session.js';

/** The JS client sends at most this many frames per POST; more are ignored, as in Phoenix. */
export const MAX_BATCH = 100;

/**
 * The frames of a POST body: one per non-empty ndjson line (the first MAX_BATCH), or the whole
 * body as one text frame for any other content type.
 */
export function postedLines(body: string, ndjson: boolean): string[] {
  if (!ndjson) return [body];
  return body
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .slice(0, MAX_BATCH);
}

/**
 * Hands `lines` to the session's connection in order: a `[`-line of ndjson is a text frame, any
 * other line a base64 binary frame. A frame over `maxFrameBytes` ends the session (as 1009 does
 * a WebSocket) and the lines after it are not read. True while the session is still open.
 */
export function deliverLines(
  session: LongPollSession,
  lines: readonly string[],
  ndjson: boolean,
  maxFrameBytes: number,
): boolean {
  for (const line of lines) {
    if (!session.open) break;
    const binary = ndjson && !line.startsWith('[');
    const data = Buffer.from(line, binary ? 'base64' : 'utf8');
    if (data.length > maxFrameBytes) session.connection.close(1009, 'frame too large');
    else session.connection.receive(data, binary);
  }
  return session.open;
}
