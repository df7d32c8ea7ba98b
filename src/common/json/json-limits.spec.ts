import {
  exceedsJsonDepth,
  findUnstorableText,
  isUnstorableText,
  jsonTextExceedsDepth,
  MAX_JSON_DEPTH,
} from './json-limits.js';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON depth', () => {
  it('allows MAX_JSON_DEPTH levels and refuses one more, as text and as a value', () => {
    expect(jsonTextExceedsDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTextExceedsDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth(JSON.parse(nested(MAX_JSON_DEPTH)))).toBe(false);
    expect(exceedsJsonDepth(JSON.parse(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
  });

  it('counts objects and arrays alike and ignores brackets inside strings', () => {
    expect(jsonTextExceedsDepth('{"a":[{"b":"[[[[\\"[["}]}', 3)).toBe(false);
    expect(jsonTextExceedsDepth('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(exceedsJsonDepth({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [{ b: [1] }] }, 3)).toBe(true);
  });

  it('handles very deep input without overflowing the stack', () => {
    const text = nested(200_000);
    expect(jsonTextExceedsDepth(text)).toBe(true);
    expect(exceedsJsonDepth(JSON.parse(text))).toBe(true);
  });

  it('treats scalars as depth 0', () => {
    expect(exceedsJsonDepth('x', 0)).toBe(false);
    expect(exceedsJsonDepth({}, 0)).toBe(true);
  });
});

describe('unstorable text', () => {
  it('finds U+0000 and lone surrogates, not other characters', () => {
    expect(isUnstorableText('a\u0000b')).toBe(true);
    expect(isUnstorableText('a\ud800b')).toBe(true);
    expect(isUnstorableText('emoji 😀, accents é, control \u0001')).toBe(false);
  });

  it('gives the path of the first bad string, in values and keys', () => {
    expect(findUnstorableText({ a: ['ok', { b: 'x\u0000' }] })).toEqual(['a', 1, 'b']);
    expect(findUnstorableText({ 'k\u0000': 1 })).toEqual(['k\u0000']);
    expect(findUnstorableText('\u0000')).toEqual([]);
    expect(findUnstorableText({ a: 'fine', b: [1, null, true] })).toBeUndefined();
  });
});
