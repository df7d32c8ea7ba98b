import { describe, expect, it } from '@jest/globals';
import type { Result } from './result.js';
import { useBuiltNestling } from './testing/built-nestling.js';

describe('generator: chat workload against the built Nestling', () => {
  const nestling = useBuiltNestling('chat');

  it('sets up, sends, and counts every delivery once and in order', async () => {
    const generator = nestling.generator([
      '--target', 'nestling', '--workload', 'chat', '--url', nestling.url,
      '--sockets', '10', '--rate', '20', '--duration-ms', '1000',
      '--batch-size', '4', '--warmup-ms', '300',
    ]); // prettier-ignore
    const ready = await generator.waitForJson<Record<string, unknown>>(
      (v) => v.ready === true || 'error' in v,
      15_000,
      'ready line',
    );
    expect(ready).toMatchObject({ ready: true, target: 'nestling', workload: 'chat', sockets: 10 });
    const line = await generator.waitForJson<{ result?: Result; error?: unknown }>(
      (v) => (v.result !== null && typeof v.result === 'object') || 'error' in v,
      15_000,
      'result line',
    );
    expect(line.error).toBeUndefined();
    const result = line.result!;
    // Two conversations of five: each message is due to its five members, sender included.
    expect(result).toMatchObject({
      target: 'nestling',
      workload: 'chat',
      sockets: 10,
      sent: 20,
      expected: 100,
      delivered: 100,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      rejected: 0,
      unanswered: 0,
      disconnects: 0,
    });
    expect(typeof result.latencyMs.p50).toBe('number');
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p99!);
    expect((await generator.exited).code).toBe(0);
  }, 30_000);
});
