/** Runs `task(0..count-1)` with at most `window` in flight; results in index order. */
export async function mapWindowed<T>(
  count: number,
  window: number,
  task: (index: number) => Promise<T>,
  onProgress?: (done: number) => void,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
      done++;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `fn()`, tried up to `attempts` times in all with a growing pause while `retryIf(error)` says
 * so; the last error is thrown.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  {
    attempts = 4,
    pauseMs = 100,
    retryIf = () => true,
  }: { attempts?: number; pauseMs?: number; retryIf?: (error: unknown) => boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !retryIf(error)) throw error;
      await sleep(pauseMs * attempt);
    }
  }
}

/** Logs "label: done/total" to stderr about every 10% (and at the end). */
export function progress(label: string, total: number): (done: number) => void {
  const step = Math.max(1, Math.ceil(total / 10));
  return (done) => {
    if (done % step === 0 || done === total) log(`${label}: ${done}/${total}`);
  };
}

export function log(message: string): void {
  const seconds = (performance.now() / 1000).toFixed(1);
  process.stderr.write(`[generator ${seconds}s] ${message}\n`);
}
