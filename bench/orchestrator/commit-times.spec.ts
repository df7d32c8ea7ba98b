import {
  commitTimes,
  commitTimesSentence,
  histogramDelta,
  parseHistogram,
  quantileBound,
} from './commit-times.js';

const scrape = (counts: number[], sum: number) =>
  [
    '# HELP nestling_chat_send_batch_seconds x',
    '# TYPE nestling_chat_send_batch_seconds histogram',
    ...['0.001', '0.005', '0.05', '+Inf'].map(
      (le, i) => `nestling_chat_send_batch_seconds_bucket{le="${le}"} ${counts[i]}`,
    ),
    `nestling_chat_send_batch_seconds_sum ${sum}`,
    `nestling_chat_send_batch_seconds_count ${counts[3]}`,
    'nestling_chat_messages_total 12',
  ].join('\n');

describe('commit times from the send-batch histogram', () => {
  it('parses, subtracts and reads quantiles as bucket bounds', () => {
    const before = parseHistogram(
      scrape([10, 10, 10, 10], 0.005),
      'nestling_chat_send_batch_seconds',
    )!;
    const after = parseHistogram(
      scrape([50, 108, 109, 110], 0.405),
      'nestling_chat_send_batch_seconds',
    )!;
    const window = histogramDelta(before, after);
    expect(window.count).toBe(100);
    expect(quantileBound(window, 0.5)).toBe(0.005);
    expect(quantileBound(window, 0.99)).toBe(0.05);
    expect(quantileBound(window, 1)).toBe(Infinity);
    const times = commitTimes(window)!;
    expect(times).toEqual({ batches: 100, meanMs: 4, p50LeMs: 5, p99LeMs: 50, maxLeMs: Infinity });
    expect(commitTimesSentence(times)).toContain(
      '100, mean 4.00 ms; p50 ≤ 5.0 ms, p99 ≤ 50.0 ms, slowest > 2,500 ms',
    );
  });

  it('says nothing without the histogram or without batches', () => {
    expect(
      parseHistogram('nestling_chat_messages_total 1', 'nestling_chat_send_batch_seconds'),
    ).toBeUndefined();
    const empty = parseHistogram(scrape([0, 0, 0, 0], 0), 'nestling_chat_send_batch_seconds')!;
    expect(commitTimes(empty)).toBeUndefined();
    expect(commitTimesSentence(undefined)).toBe('');
  });
});
