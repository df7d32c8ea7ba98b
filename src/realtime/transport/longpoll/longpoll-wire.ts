/**
 * What nodes tell each other about LongPoll sessions on the cluster bus (JSON bodies). A node
 * that receives a request for a session another node owns forwards it (`longpoll.request`) to
 * the owner, which answers (`longpoll.reply`) the requester; the envelope names both nodes.
 */
export const LONGPOLL_REQUEST = 'longpoll.request';
export const LONGPOLL_REPLY = 'longpoll.reply';

export type RelayRequest =
  /** Wait up to the window for the session's messages. */
  | { op: 'poll'; id: string; token: string }
  /** Hand these frames to the session (already cut to the batch limit). */
  | { op: 'post'; id: string; token: string; lines: string[]; ndjson: boolean }
  /** The client of poll `id` went away: end that poll and keep its messages for the next. */
  | { op: 'abandon'; id: string };

/** The owner's answer to request `id`: 410 when it holds no such session (or it ended). */
export interface RelayReply {
  id: string;
  status: 200 | 204 | 410;
  messages: string[];
}

const MAX_ID_LENGTH = 100;

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
const isId = (value: unknown): value is string =>
  isString(value) && value.length > 0 && value.length <= MAX_ID_LENGTH;

function parse(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function encodeRelayMessage(message: RelayRequest | RelayReply): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** The request in `body`, or undefined when it is not one. */
export function decodeRelayRequest(body: Buffer): RelayRequest | undefined {
  const m = parse(body);
  if (m === undefined || !isId(m.id)) return undefined;
  const { op, id, token, lines, ndjson } = m;
  if (op === 'abandon') return { op, id };
  if (!isString(token)) return undefined;
  if (op === 'poll') return { op, id, token };
  if (op === 'post' && isStringArray(lines) && typeof ndjson === 'boolean')
    return { op, id, token, lines, ndjson };
  return undefined;
}

/** The reply in `body`, or undefined when it is not one. */
export function decodeRelayReply(body: Buffer): RelayReply | undefined {
  const m = parse(body);
  if (m === undefined || !isId(m.id) || !isStringArray(m.messages)) return undefined;
  const { id, status, messages } = m;
  return status === 200 || status === 204 || status === 410 ? { id, status, messages } : undefined;
}
