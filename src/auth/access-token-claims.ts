import { isUUID } from 'class-validator';

export interface AccessTokenClaims {
  /** The user id. */
  sub: string;
  /** Issued-at in seconds with millisecond precision, compared with tokens_valid_after. */
  iat: number;
  /** Expiry in seconds; the JWT library checks it, but only when it is present. */
  exp: number;
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * The claims of a verified access token, or undefined when they are not the ones we issue: a
 * UUID `sub`, a numeric `iat` (without it the token could never be revoked) and a numeric `exp`
 * (without it the token would never expire).
 */
export function accessTokenClaims(payload: unknown): AccessTokenClaims | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { sub, iat, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !isUUID(sub) || !isTime(iat) || !isTime(exp)) return undefined;
  return { sub, iat, exp };
}
