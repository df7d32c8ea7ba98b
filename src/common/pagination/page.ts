import { encodeCursor, type PageCursor } from './page-cursor.js';

/** A page of a list: `page_token` is always a string, `""` when there is no next page. */
export interface Page<T> {
  items: T[];
  page_token: string;
}

/**
 * Builds a page from the rows of a keyset query that asked for `size + 1` rows: at most `size`
 * items, and when the extra row came back, a token for the page after the last item kept.
 */
export function toPage<R, T>(
  rows: R[],
  size: number,
  cursorOf: (row: R) => PageCursor,
  toItem: (row: R) => T,
): Page<T> {
  const kept = rows.slice(0, size);
  const more = rows.length > size && kept.length > 0;
  return {
    items: kept.map(toItem),
    page_token: more ? encodeCursor(cursorOf(kept[kept.length - 1])) : '',
  };
}
