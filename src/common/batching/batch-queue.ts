/**
 * Runs submitted items in batches without waiting on a timer: an item submitted while fewer
 * than `maxInFlight` batches run goes out at once (alone, when traffic is light); items that
 * arrive while every slot is busy wait and leave together, up to `maxBatch` per batch, as soon
 * as a slot frees. Under load batches grow by themselves; when idle nothing is delayed.
 *
 * `run` gets the items in submission order and answers one result per item, in that order.
 * When a batch of several fails, it is split in two halves run one after the other (order kept),
 * and so on down: one bad item among n fails only its own submission and costs about 2·log2(n)
 * extra statements, while the others still commit in large groups (never one by one).
 */
export class BatchQueue<T, R> {
  private readonly waiting: Array<{
    item: T;
    resolve: (result: R) => void;
    reject: (error: unknown) => void;
  }> = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly options: { maxInFlight: number; maxBatch: number },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: typeof this.waiting): Promise<void> {
    try {
      const results = await this.checked(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.runBatch(batch.slice(0, half));
      await this.runBatch(batch.slice(half));
    }
  }

  private async checked(items: T[]): Promise<R[]> {
    const results = await this.run(items);
    if (results.length !== items.length) {
      throw new Error(`batch of ${items.length} answered ${results.length} results`);
    }
    return results;
  }
}
