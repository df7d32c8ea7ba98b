import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented bearer with the configured one. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
