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

  it('when a batch fails, runs its items one by one so that only the bad one fails', async () => {
    const queue = new BatchQueue(
      async (items: number[]) => {
        if (items.includes(13)) throw new Error('unlucky');
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const first = queue.submit(1); // runs alone
    const rest = [2, 13, 4].map((i) => queue.submit(i)); // one batch, which fails
    await expect(first).resolves.toBe(2);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toMatchObject({ value: 4 });
    expect(settled[1]).toMatchObject({ reason: new Error('unlucky') });
  });

  it('refuses a runner that answers the wrong number of results', async () => {
    const queue = new BatchQueue(async () => ['only one', 'too many'], {
      maxInFlight: 1,
      maxBatch: 5,
    });
    await expect(queue.submit(1)).rejects.toThrow('batch of 1 answered 2 results');
  });
});
