import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * JWT_SECRET as the HMAC key object `jsonwebtoken` signs and verifies with. Given the secret as a
 * string, `jsonwebtoken` first tries to parse it as a PEM public (verify) or private (sign) key,
 * on every call, and only falls back to a secret key when that throws: an exception per token,
 * which was most of the CPU of a chat send (whose payload carries the access token). A KeyObject
 * skips the guess; the signatures are the same bytes.
 */
export function jwtKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
