import { describe, expect, it } from '@jest/globals';
import { groupMembers } from './chat-setup.js';

describe('groupMembers', () => {
  it('makes groups of the size asked, in order', () => {
    expect(groupMembers(10, 5)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
  });

  it('keeps a remainder of two or more as a smaller group, and folds a lone member in', () => {
    expect(groupMembers(7, 5)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6],
    ]);
    expect(groupMembers(6, 5)).toEqual([[0, 1, 2, 3, 4, 5]]);
  });
});
