import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { asksPresence, ensurePlayers, readPlayerIds } from './players.js';

describe('ensurePlayers', () => {
  it('creates only the missing players and keeps them for the next run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'players-'));
    const file = path.join(dir, 'players.json');
    const made: number[] = [];
    const create = (i: number) => {
      made.push(i);
      return Promise.resolve(`id${i}`);
    };
    expect(await ensurePlayers(file, 3, create, 2)).toEqual(['id0', 'id1', 'id2']);
    expect(await ensurePlayers(file, 2, create, 2)).toEqual(['id0', 'id1', 'id2']);
    expect(await ensurePlayers(file, 5, create, 2)).toEqual(['id0', 'id1', 'id2', 'id3', 'id4']);
    expect(made.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(readPlayerIds(file)).toHaveLength(5);
    expect(fs.readdirSync(dir)).toEqual(['players.json']);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a file that is not a list of ids', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'players-')), 'p.json');
    fs.writeFileSync(file, '{"a":1}');
    expect(() => readPlayerIds(file)).toThrow('not a JSON array of player ids');
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});

describe('asksPresence', () => {
  const count = (n: number, share: number) =>
    Array.from({ length: n }, (_, i) => i).filter((i) => asksPresence(i, share));

  it('spreads the share evenly', () => {
    expect(count(30, 0.1)).toEqual([9, 19, 29]);
    expect(count(10_000, 0.1)).toHaveLength(1000);
    expect(count(5, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(count(5, 0)).toEqual([]);
    expect(count(1000, 0.25)).toHaveLength(250);
  });
});
