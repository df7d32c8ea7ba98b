import { InvalidQuery } from '../errors/invalid-query.js';
import { DEFAULT_PAGE_SIZE, parsePageSize } from './page-size.js';

describe('parsePageSize', () => {
  it('defaults to 20 when absent', () => {
    expect(parsePageSize(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(DEFAULT_PAGE_SIZE).toBe(20);
  });

  it.each([
    ['1', 1],
    ['20', 20],
    ['100', 100],
    ['007', 7],
  ])('accepts %j', (value, size) => {
    expect(parsePageSize(value)).toBe(size);
  });

  it.each([
    '0',
    '101',
    '1000',
    '99999999999999999999',
    'abc',
    '1.5',
    '1e1',
    '-1',
    '+5',
    ' 5',
    '5 ',
    '0x10',
    '',
    ['5', '6'],
    { a: '1' },
    5,
    null,
  ])('rejects %j with the field error', (value) => {
    let thrown: unknown;
    try {
      parsePageSize(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidQuery);
    expect((thrown as InvalidQuery).fields).toEqual({
      page_size: ['must be an integer between 1 and 100'],
    });
  });
});
