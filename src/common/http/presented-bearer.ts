import type { Request } from 'express';

/**
 * The token of exactly one `Authorization: Bearer <token>` header (case-sensitive scheme, one
 * space, a non-empty token); undefined otherwise (no header, another scheme, several headers).
 */
export function presentedBearer(req: Request): string | undefined {
  const values = req.headersDistinct.authorization ?? [];
  if (values.length !== 1) return undefined;
  const [value] = values;
  return value.startsWith('Bearer ') && value.length > 'Bearer '.length
    ? value.slice('Bearer '.length)
    : undefined;
}
