import { MAX_BATCH, postedLines } from './longpoll-post.js';

describe('postedLines', () => {
  it('splits ndjson on LF and CRLF, skipping empty lines', () => {
    expect(postedLines('["a"]\r\n\n["b"]\nAQID\n', true)).toEqual(['["a"]', '["b"]', 'AQID']);
  });

  it(`keeps the first ${MAX_BATCH} lines of a batch`, () => {
    const lines = Array.from({ length: MAX_BATCH + 2 }, (_, i) => `[${i}]`);
    expect(postedLines(lines.join('\n'), true)).toEqual(lines.slice(0, MAX_BATCH));
  });

  it('takes any other body as one frame', () => {
    expect(postedLines('["a"]\n["b"]', false)).toEqual(['["a"]\n["b"]']);
  });
});
