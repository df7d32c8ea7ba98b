import { BatchQueue } from './batch-queue.js';

/** A runner whose batches finish only when the test says so. */
function controlledRunner() {
  const batches: Array<{ items: number[]; finish: (ok?: boolean) => void }> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        items,
        finish: (ok = true) =>
          ok ? resolve(items.map((i) => `r${i}`)) : reject(new Error(`batch ${items.join()}`)),
      });
    });
  return { batches, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchQueue', () => {
  it('runs an item at once when a slot is free, and batches what arrives while all are busy', async () => {
    const { batches, run } = controlledRunner();
    const queue = new BatchQueue(run, { maxInFlight: 2, maxBatch: 3 });
    const results = [1, 2, 3, 4, 5, 6, 7].map((i) => queue.submit(i));
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0].finish();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4, 5]]);
    batches[1].finish();
    await tick();
    expect(batches[3].items).toEqual([6, 7]);
    batches[2].finish();
    batches[3].finish();
    await expect(Promise.all(results)).resolves.toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('when a batch fails, splits it in halves: only the bad item fails, the rest commit in groups', async () => {
    const runs: number[][] = [];
    const queue = new BatchQueue(
      async (items: number[]) => {
        runs.push(items);
        if (items.includes(13)) throw new Error('unlucky');
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, maxBatch: 100 },
    );
    const first = queue.submit(0); // runs alone
    const items = Array.from({ length: 64 }, (_, i) => (i === 40 ? 13 : i + 100));
    const rest = items.map((i) => queue.submit(i)); // one batch of 64, which fails
    await expect(first).resolves.toBe(0);
    const settled = await Promise.allSettled(rest);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([
      { status: 'rejected', reason: new Error('unlucky') },
    ]);
    expect(settled[39]).toEqual({ status: 'fulfilled', value: 2 * 139 });
    // [0], the batch of 64, then two halves per level down to the bad item: 2 + 2·log2(64).
    expect(runs).toHaveLength(2 + 2 * 6);
    const committed = runs.slice(2).filter((r) => !r.includes(13));
    expect(committed.map((r) => r.length)).toEqual([32, 8, 1, 2, 4, 16]);
    // Submission order is kept across the split.
    expect(committed.flat()).toEqual(items.filter((i) => i !== 13));
  });

  it('refuses a runner that answers the wrong number of results', async () => {
    const queue = new BatchQueue(async () => ['only one', 'too many'], {
      maxInFlight: 1,
      maxBatch: 5,
    });
    await expect(queue.submit(1)).rejects.toThrow('batch of 1 answered 2 results');
  });
});
