import fs from 'node:fs';
import { mapWindowed, progress } from './concurrency.js';

/** The ids kept in `file` (a JSON array of strings); none when it does not exist yet. */
export function readPlayerIds(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(value) || !value.every((id): id is string => typeof id === 'string')) {
    throw new Error(`${file} is not a JSON array of player ids`);
  }
  return value;
}

/**
 * At least `needed` player ids, the ones already in `file` first: only the missing ones are
 * created (`create(i)` for index i, `concurrency` at a time), then the file is rewritten with
 * them all (through a temporary file, so a reader never sees half of it).
 */
export async function ensurePlayers(
  file: string,
  needed: number,
  create: (index: number) => Promise<string>,
  concurrency: number,
): Promise<string[]> {
  const ids = readPlayerIds(file);
  if (ids.length >= needed) return ids;
  const have = ids.length;
  const created = await mapWindowed(
    needed - have,
    concurrency,
    (k) => create(have + k),
    progress('players created', needed - have),
  );
  ids.push(...created);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(ids)}\n`);
  fs.renameSync(temporary, file);
  return ids;
}

/**
 * Whether socket `index` asks for presence when `share` of the sockets do: evenly spread, so
 * with 0.1 every tenth socket (9, 19, …), with 1 every socket, with 0 none.
 */
export function asksPresence(index: number, share: number): boolean {
  const epsilon = 1e-9;
  return Math.floor((index + 1) * share + epsilon) > Math.floor(index * share + epsilon);
}
