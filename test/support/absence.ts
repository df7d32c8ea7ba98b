// Checks that something did NOT arrive, written so that they can fail.
//
// `await sleep(150); expect(seen).toEqual([])` passes whenever the unwanted frame is slower than
// the sleep, so it proves little on a loaded machine. Prefer a positive barrier: make the server
// send a frame that must reach the observer after the unwanted one would have (a later reply or
// broadcast on the same channel, a later push to the same socket), wait for it, and only then
// check that nothing unwanted came. Where no such order exists (a client-side timer), wait up to a
// bound for the unwanted item and fail as soon as it shows up.

import { waitFor } from './phoenix-client.js';

export interface BarrierOptions {
  /** Only items at or after this index of `seen` can be the barrier (earlier ones may match). */
  from?: number;
  /** How long the barrier may take to arrive (its absence fails the check). */
  timeoutMs?: number;
  /** Named in the failure messages. */
  what?: string;
}

/**
 * Absence, proven by a positive barrier. `seen` is a live list of what the observer received, in
 * order (`collect`, `recordFrames`, …). Waits (bounded) until an item matching `barrier` is in
 * `seen`, then fails if any item of `seen` matches `unwanted`. Trigger the barrier (the follow-up
 * push, broadcast or request) before calling this.
 */
export async function expectNoneBeforeBarrier<T>(
  seen: readonly T[],
  unwanted: (item: T) => boolean,
  barrier: (item: T) => boolean,
  { from = 0, timeoutMs = 2000, what = 'the unwanted item' }: BarrierOptions = {},
): Promise<void> {
  await waitFor(
    () => seen.slice(from).some(barrier),
    timeoutMs,
    `the barrier (before checking for ${what})`,
  );
  const early = seen.filter(unwanted);
  if (early.length > 0)
    throw new Error(`${what} arrived (before the barrier): ${JSON.stringify(early)}`);
}

/**
 * Absence over a bounded wait, for what no server-side order can fence (a client timer, say):
 * watches `seen` for `withinMs` and fails as soon as a new item (one appended after the call)
 * matches `unwanted`. Prefer expectNoneBeforeBarrier where a barrier exists.
 */
export function expectNoneWithin<T>(
  seen: readonly T[],
  withinMs: number,
  unwanted: (item: T) => boolean = () => true,
  what = 'an unwanted item',
): Promise<void> {
  const from = seen.length;
  const deadline = Date.now() + withinMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = seen.slice(from).filter(unwanted);
      if (found.length > 0)
        return reject(new Error(`${what} arrived within ${withinMs} ms: ${JSON.stringify(found)}`));
      if (Date.now() >= deadline) return resolve();
      setTimeout(check, 5);
    };
    check();
  });
}
