import { describe, expect, it } from '@jest/globals';
import { DeliveryTracker, LatencySamples, percentile, summarize } from './stats.js';

describe('DeliveryTracker', () => {
  it('counts in-order deliveries per stream', () => {
    const tracker = new DeliveryTracker(2);
    for (const seq of [0, 1, 2]) expect(tracker.record(0, seq)).toBe(true);
    for (const seq of [0, 1]) expect(tracker.record(1, seq)).toBe(true);
    expect(tracker).toMatchObject({ delivered: 5, duplicated: 0, outOfOrder: 0 });
  });

  it('counts a late arrival that fills a gap as delivered and out of order', () => {
    const tracker = new DeliveryTracker(1);
    for (const seq of [0, 2, 3, 1]) expect(tracker.record(0, seq)).toBe(true);
    expect(tracker).toMatchObject({ delivered: 4, duplicated: 0, outOfOrder: 1 });
  });

  it('counts repeats, of in-order and of late messages, as duplicates only', () => {
    const tracker = new DeliveryTracker(1);
    const fresh = [0, 0, 3, 1, 1, 3, 2].map((seq) => tracker.record(0, seq));
    expect(fresh).toEqual([true, false, true, true, false, false, true]);
    expect(tracker).toMatchObject({ delivered: 4, duplicated: 3, outOfOrder: 2 });
  });

  it('leaves never-delivered seqs out (lost = expected − delivered)', () => {
    const tracker = new DeliveryTracker(3);
    [0, 1, 4].forEach((seq) => tracker.record(0, seq));
    [0, 1, 2, 3, 4].forEach((seq) => tracker.record(1, seq));
    const expected = 3 * 5;
    expect(expected - tracker.delivered).toBe(15 - 8);
  });
});

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('summarizes unsorted samples without touching them, rounding to µs', () => {
    const samples = Float64Array.from([5, 1, 4, 2, 3.00049]);
    expect(summarize(samples)).toEqual({ n: 5, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(samples[0]).toBe(5);
    expect(summarize(new Float64Array(0))).toEqual({
      n: 0,
      p50: null,
      p95: null,
      p99: null,
      max: null,
    });
  });

  it('grows the sample buffer past its first size', () => {
    const samples = new LatencySamples();
    for (let i = 0; i < 5000; i++) samples.add(i % 100);
    expect(samples.length).toBe(5000);
    expect(samples.summary()).toEqual({ n: 5000, p50: 49, p95: 94, p99: 98, max: 99 });
  });
});
