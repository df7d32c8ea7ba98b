import { describe, expect, it } from '@jest/globals';
import { tokenMatches } from './token-matches.js';

describe('tokenMatches', () => {
  it('accepts the expected token only', () => {
    expect(tokenMatches('admin-token-0123456789', 'admin-token-0123456789')).toBe(true);
    expect(tokenMatches('admin-token-0123456780', 'admin-token-0123456789')).toBe(false);
  });

  it('refuses tokens of another length, the empty one included, without throwing', () => {
    expect(tokenMatches('admin-token', 'admin-token-0123456789')).toBe(false);
    expect(tokenMatches('admin-token-0123456789-and-more', 'admin-token-0123456789')).toBe(false);
    expect(tokenMatches('', 'admin-token-0123456789')).toBe(false);
  });

  it('compares the UTF-8 text, not a lossy form of it', () => {
    expect(tokenMatches('jeton-é', 'jeton-é')).toBe(true);
    expect(tokenMatches('jeton-e\u0301', 'jeton-é')).toBe(false);
  });
});
