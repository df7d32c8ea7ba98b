import { decodeCursor } from './page-cursor.js';
import { toPage } from './page.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: ID(i),
    at: `2024-05-01T12:00:${String(59 - i).padStart(2, '0')}Z`,
  }));
const page = (n: number, size: number) =>
  toPage(
    rows(n),
    size,
    (r) => ({ at: r.at, id: r.id }),
    (r) => r.id,
  );

describe('toPage', () => {
  it('keeps exactly page_size items and points the token at the last one kept', () => {
    const result = page(4, 3);
    expect(result.items).toEqual([ID(0), ID(1), ID(2)]);
    expect(decodeCursor(result.page_token)).toEqual({ at: '2024-05-01T12:00:57Z', id: ID(2) });
  });

  it('answers "" when there is no next page', () => {
    expect(page(3, 3)).toEqual({ items: [ID(0), ID(1), ID(2)], page_token: '' });
    expect(page(1, 3).page_token).toBe('');
    expect(page(0, 3)).toEqual({ items: [], page_token: '' });
  });
});
