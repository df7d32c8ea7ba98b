import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Whether a presented secret (a bearer, an admin token) is the expected one, in constant time:
 * both are hashed first, so the comparison of equal-length digests tells nothing of the
 * expected token's length or of where the two differ.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
