import { Binary } from '../transport/message.js';

/** What a join or event handler answers: `{"status": status, "response": response}`. */
export class Reply {
  constructor(
    readonly status: string,
    /** Any JSON value, or a Binary (a binary reply frame, kind 1). */
    readonly response: unknown = {},
  ) {}
}

/** A handler result meaning "send no reply" (Phoenix's `:noreply`). */
export const NO_REPLY = Symbol('NO_REPLY');

export const ok = (response: unknown = {}): Reply => new Reply('ok', response);
export const error = (response: unknown = {}): Reply => new Reply('error', response);
export const reply = (status: string, response: unknown = {}): Reply => new Reply(status, response);
export const noReply = (): typeof NO_REPLY => NO_REPLY;
export const binary = (bytes: Uint8Array | ArrayBuffer | string): Binary => Binary.from(bytes);

/**
 * An error a handler may throw to answer with an error reply instead of crashing the channel.
 * Domain errors can do the same by implementing `toChannelReply()`.
 */
export class ChannelReplyError extends Error {
  constructor(
    readonly response: unknown,
    readonly status = 'error',
  ) {
    super(
      typeof response === 'object' && response && 'reason' in response
        ? String(response.reason)
        : status,
    );
    this.name = 'ChannelReplyError';
  }

  toChannelReply(): Reply {
    return new Reply(this.status, this.response);
  }
}

/**
 * The reply an error asks for, if it asks for one (else the channel crashes): errors with a
 * `toChannelReply()` returning a Reply or a `{status, response}` object.
 */
export function replyForError(error: unknown): Reply | undefined {
  const candidate = error as { toChannelReply?: () => unknown } | null;
  if (typeof candidate?.toChannelReply !== 'function') return undefined;
  const result = candidate.toChannelReply();
  if (result instanceof Reply) return result;
  const shaped = result as { status?: unknown; response?: unknown } | null;
  if (typeof shaped?.status === 'string') return new Reply(shaped.status, shaped.response ?? {});
  return undefined;
}

/** Turns a handler's return value into a reply, or undefined for NO_REPLY. */
export function toReply(result: unknown): Reply | undefined {
  if (result === NO_REPLY) return undefined;
  if (result instanceof Reply) return result;
  if (result === undefined || result === null) return ok({});
  if (result instanceof Binary) return ok(result);
  if (Buffer.isBuffer(result) || result instanceof Uint8Array || result instanceof ArrayBuffer) {
    return ok(Binary.from(result));
  }
  return ok(result);
}
