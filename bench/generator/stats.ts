/**
 * Delivery accounting. A "stream" is one (receiver, sender) pair; each sender numbers its
 * messages 0, 1, 2, … For each stream the tracker keeps the highest seq seen and the seqs
 * skipped below it (gaps), so memory grows with losses, not with traffic:
 * - seq = high + 1: in order;
 * - seq > high + 1: in order, the seqs in between become gaps (late or lost);
 * - seq < high and a gap: out of order (a late arrival), counted as delivered;
 * - otherwise: a duplicate, not counted as delivered.
 */
export class DeliveryTracker {
  delivered = 0;
  duplicated = 0;
  outOfOrder = 0;
  private readonly high: Int32Array;
  private readonly gaps = new Map<number, Set<number>>();

  constructor(streams: number) {
    this.high = new Int32Array(streams).fill(-1);
  }

  /** Returns true for a first delivery (the caller records its latency), false for a duplicate. */
  record(stream: number, seq: number): boolean {
    const high = this.high[stream];
    if (seq > high) {
      if (seq > high + 1) {
        let gaps = this.gaps.get(stream);
        if (gaps === undefined) this.gaps.set(stream, (gaps = new Set()));
        for (let missing = high + 1; missing < seq; missing++) gaps.add(missing);
      }
      this.high[stream] = seq;
      this.delivered++;
      return true;
    }
    const gaps = this.gaps.get(stream);
    if (gaps !== undefined && gaps.delete(seq)) {
      if (gaps.size === 0) this.gaps.delete(stream);
      this.outOfOrder++;
      this.delivered++;
      return true;
    }
    this.duplicated++;
    return false;
  }
}

/** Latency samples in ms, in a growable Float32Array (4 bytes a sample). */
export class LatencySamples {
  private data = new Float32Array(1024);
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(ms: number): void {
    if (this.count === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = ms;
  }

  summary(): LatencySummary {
    return summarize(this.data.subarray(0, this.count));
  }
}

export interface LatencySummary {
  /** How many samples the percentiles cover (absent in results from before it was counted). */
  n?: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile of an ascending array: the smallest value ≥ p% of the samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/** The sample count, and p50/p95/p99/max in ms (rounded to µs); nulls when there are none. */
export function summarize(samples: Float32Array | Float64Array): LatencySummary {
  const sorted = samples.slice().sort();
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100)),
  };
}
