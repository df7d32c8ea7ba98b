import { randomBytes } from 'node:crypto';

/** Between the owner and the secret: in neither node names nor base64url, nor in JWTs. */
const SEPARATOR = '~';
const SECRET = /^[A-Za-z0-9_-]{32}$/;

/**
 * A LongPoll session token: 24 random bytes (base64url), prefixed with `<owner node>~` in a
 * cluster so that any node can tell which node holds the session. The separator keeps any other
 * `token` a client sends (an app's auth token in the same query parameter, a JWT with its dots)
 * from being taken for a session of some node.
 */
export function newSessionToken(owner?: string): string {
  const secret = randomBytes(24).toString('base64url');
  return owner === undefined ? secret : `${owner}${SEPARATOR}${secret}`;
}

/** The node a token names, or undefined for a token that names none. */
export function sessionOwner(token: string): string | undefined {
  const at = token.lastIndexOf(SEPARATOR);
  if (at <= 0 || !SECRET.test(token.slice(at + 1))) return undefined;
  return token.slice(0, at);
}
