import type { Rate } from './node-summary.js';

/** Turns running totals into per-second rates over the time between two calls. */
export class Rates<K extends string> {
  private last: { at: number; totals: Record<K, number> } | undefined;

  /** The rate of each total since the previous call (null for the first call after a reset). */
  next(totals: Record<K, number>, at: number): Record<K, Rate> {
    const previous = this.last;
    this.last = { at, totals };
    const seconds = previous === undefined ? 0 : (at - previous.at) / 1000;
    const rates = {} as Record<K, Rate>;
    for (const key of Object.keys(totals) as K[]) {
      rates[key] =
        previous === undefined || seconds <= 0
          ? null
          : round(Math.max(0, totals[key] - previous.totals[key]) / seconds);
    }
    return rates;
  }

  /** Forgets the previous totals (the next rates are null). */
  reset(): void {
    this.last = undefined;
  }
}

/** Two decimals are plenty for a chart and keep the JSON short. */
export const round = (value: number): number => Math.round(value * 100) / 100;
