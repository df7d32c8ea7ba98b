import { randomBytes } from 'node:crypto';

/**
 * A LongPoll session token: 24 random bytes (base64url), prefixed with `<owner node>.` in a
 * cluster so that any node can tell which node holds the session. Node names are letters,
 * digits, `_`, `.` and `-`; the random part has no `.`, so the owner is what precedes the last
 * one.
 */
export function newSessionToken(owner?: string): string {
  const secret = randomBytes(24).toString('base64url');
  return owner === undefined ? secret : `${owner}.${secret}`;
}

/** The node a token names, or undefined for a token that names none. */
export function sessionOwner(token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  return dot > 0 ? token.slice(0, dot) : undefined;
}
