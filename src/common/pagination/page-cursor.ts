import { InvalidQuery } from '../errors/invalid-query.js';

/**
 * A keyset position in a list ordered newest first by `(inserted_at DESC, id DESC)`: the
 * `inserted_at` and `id` of the last item of a page. The next page holds the rows strictly
 * before it: `(inserted_at, id) < (at, id)`.
 *
 * `at` keeps PostgreSQL's full (microsecond) precision, as ISO 8601 UTC text
 * (`2024-05-01T12:00:00.123456Z`): a JavaScript Date would truncate it to milliseconds and a
 * page boundary inside one millisecond would skip rows. Read it with {@link CURSOR_AT_FORMAT}.
 */
export interface PageCursor {
  at: string;
  id: string;
}

/** `to_char(<timestamptz> AT TIME ZONE 'UTC', <this>)` renders a cursor's `at`. */
export const CURSOR_AT_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';

const AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Far more than any real token (about 90 characters); refuses to decode megabytes. */
const MAX_TOKEN_LENGTH = 512;

/** True for a real UTC instant PostgreSQL accepts (no 2024-02-30, no 25:00, year 1–9999). */
function isInstant(at: string): boolean {
  const m = AT.exec(at);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // rolls over an impossible day: 02-30 → 03-01
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The opaque `page_token`: base64url (no padding) of the JSON `[at, id]`. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

const invalidToken = () => new InvalidQuery({ page_token: ['is invalid'] });

/**
 * Reads a token made by {@link encodeCursor}. Anything else (bad base64url, not JSON, wrong
 * shape, an impossible instant, an id that is not a UUID) throws InvalidQuery → 400
 * `{"errors":{"page_token":["is invalid"]}}`, so a forged token never reaches SQL.
 */
export function decodeCursor(token: string): PageCursor {
  if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) throw invalidToken();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalidToken();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !isInstant(at)) throw invalidToken();
  if (typeof id !== 'string' || !UUID.test(id)) throw invalidToken();
  return { at, id: id.toLowerCase() };
}

/**
 * The `page_token` query parameter: absent or `""` (what a last page answers) → the first page
 * (null); a repeated or nested parameter, or a malformed token → InvalidQuery (400).
 */
export function parsePageToken(value: unknown): PageCursor | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalidToken();
  return decodeCursor(value);
}
