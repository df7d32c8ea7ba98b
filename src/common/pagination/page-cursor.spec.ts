import { InvalidQuery } from '../errors/invalid-query.js';
import { decodeCursor, encodeCursor, parsePageToken, type PageCursor } from './page-cursor.js';

const ID = '0b6f4a52-3c1e-4f43-9a8e-2f1d5c7b9e10';
const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expectInvalid(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQuery);
    expect((error as InvalidQuery).fields).toEqual({ page_token: ['is invalid'] });
    expect((error as InvalidQuery).code).toBe('invalid_input');
    return;
  }
  throw new Error('expected an InvalidQuery');
}

describe('page cursors', () => {
  it('round-trip, keeping microseconds', () => {
    const cursor: PageCursor = { at: '2024-05-01T12:00:00.123456Z', id: ID };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it('are base64url of the JSON [at, id]', () => {
    const encoded = encodeCursor({ at: '2024-05-01T12:00:00.000000Z', id: ID });
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString())).toEqual([
      '2024-05-01T12:00:00.000000Z',
      ID,
    ]);
  });

  it('accept instants without fractions, leap days and upper-case ids (normalised)', () => {
    expect(decodeCursor(token(['2024-02-29T23:59:59Z', ID.toUpperCase()]))).toEqual({
      at: '2024-02-29T23:59:59Z',
      id: ID,
    });
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['empty', ''],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['JSON of the wrong shape', token({ at: '2024-05-01T12:00:00Z', id: ID })],
    ['a one-element array', token(['2024-05-01T12:00:00Z'])],
    ['three elements', token(['2024-05-01T12:00:00Z', ID, 1])],
    ['a numeric instant', token([1714564800000, ID])],
    ['a date without time', token(['2024-05-01', ID])],
    ['a space separator', token(['2024-05-01 12:00:00Z', ID])],
    ['no zone', token(['2024-05-01T12:00:00', ID])],
    ['an offset', token(['2024-05-01T12:00:00+02:00', ID])],
    ['February 30th', token(['2024-02-30T12:00:00Z', ID])],
    ['February 29th of a common year', token(['2023-02-29T12:00:00Z', ID])],
    ['hour 24', token(['2024-05-01T24:00:00Z', ID])],
    ['month 13', token(['2024-13-01T12:00:00Z', ID])],
    ['year 0', token(['0000-01-01T00:00:00Z', ID])],
    ['seven fraction digits', token(['2024-05-01T12:00:00.1234567Z', ID])],
    ['an id that is not a UUID', token(['2024-05-01T12:00:00Z', 'abc'])],
    ['a numeric id', token(['2024-05-01T12:00:00Z', 42])],
    ['an SQL injection', token(["2024-05-01T12:00:00Z'; DROP TABLE users; --", ID])],
    ['a huge token', 'A'.repeat(10_000)],
  ])('reject %s with a page_token field error', (_name, value) => {
    expectInvalid(() => decodeCursor(value));
  });
});

describe('parsePageToken', () => {
  it('reads absent and "" as the first page', () => {
    expect(parsePageToken(undefined)).toBeNull();
    expect(parsePageToken('')).toBeNull();
  });

  it('decodes a token', () => {
    const cursor = { at: '2024-05-01T12:00:00.5Z', id: ID };
    expect(parsePageToken(encodeCursor(cursor))).toEqual(cursor);
  });

  it('rejects repeated or nested parameters', () => {
    expectInvalid(() => parsePageToken(['a', 'b']));
    expectInvalid(() => parsePageToken({ a: 'b' }));
  });
});
