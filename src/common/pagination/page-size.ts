import { InvalidQuery } from '../errors/invalid-query.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * The `page_size` query parameter: absent → 20; otherwise the decimal digits of an integer
 * 1–100 (`"7"`, `"007"`). Anything else (`""`, `"0"`, `"101"`, `"abc"`, `"1.5"`, `"+5"`,
 * `" 5"`, a repeated parameter) → InvalidQuery: 400
 * `{"errors":{"page_size":["must be an integer between 1 and 100"]}}`.
 */
export function parsePageSize(value: unknown): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw new InvalidQuery({
      page_size: [`must be an integer between 1 and ${MAX_PAGE_SIZE}`],
    });
  }
  return size;
}
