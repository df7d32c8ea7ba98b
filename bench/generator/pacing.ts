/** Messages in a run: `rate` per second for `durationMs`. */
export function totalMessages(rate: number, durationMs: number): number {
  return Math.round((rate * durationMs) / 1000);
}

/** How many messages should have been sent `elapsedMs` into the run (never more than total). */
export function dueBy(elapsedMs: number, rate: number, total: number): number {
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000));
}

export interface PacedRun {
  /** performance.now() when pacing started and when the last message went out. */
  startedAt: number;
  endedAt: number;
  sent: number;
}

/**
 * Sends `total` messages at `rate` per second: every `tickMs` it sends whatever is due by now,
 * so a late timer catches up and the rate over the run is exact. `send(k)` sends message k
 * (0-based, in order).
 */
export function runPaced(
  rate: number,
  total: number,
  send: (index: number) => void,
  tickMs = 10,
): Promise<PacedRun> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      const due = dueBy(now - startedAt, rate, total);
      while (sent < due) send(sent++);
      if (sent >= total) {
        clearInterval(timer);
        resolve({ startedAt, endedAt: now, sent });
      }
    };
    const timer = setInterval(tick, tickMs);
    if (total === 0) tick();
  });
}
