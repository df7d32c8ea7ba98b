import { describe, expect, it } from '@jest/globals';
import type { Result } from './result.js';
import { useBuiltNestling } from './testing/built-nestling.js';

describe('generator: poisoned chat workload against the built Nestling', () => {
  const nestling = useBuiltNestling('poisoned');

  it('acknowledges every honest send in both windows and answers every poisoned push', async () => {
    const generator = nestling.generator([
      '--target', 'nestling', '--workload', 'poisoned', '--url', nestling.url,
      '--sockets', '10', '--rate', '20', '--duration-ms', '1000', '--poison-rate', '10',
      '--batch-size', '4', '--warmup-ms', '300',
    ]); // prettier-ignore
    const ready = await generator.waitForJson<Record<string, unknown>>(
      (v) => v.ready === true || 'error' in v,
      20_000,
      'ready line',
    );
    // The ten honest members and the poisoner.
    expect(ready).toMatchObject({ ready: true, workload: 'poisoned', sockets: 11 });
    const line = await generator.waitForJson<{ result?: Result; error?: unknown }>(
      (v) => (v.result !== null && typeof v.result === 'object') || 'error' in v,
      20_000,
      'result line',
    );
    expect(line.error).toBeUndefined();
    const lines = generator.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const order = (test: (v: Record<string, unknown>) => boolean) => lines.findIndex(test);
    // The orchestrator splits its CPU readings there: after ready, before the result.
    const split = order((v) => v.windowDone === 'honest-only');
    expect(split).toBeGreaterThan(order((v) => v.ready === true));
    expect(split).toBeLessThan(order((v) => 'result' in v));

    const { poisoned, ...both } = line.result!;
    // Two conversations of five: each honest send is due to its five members, sender included.
    const honest = {
      sent: 20,
      acknowledged: 20,
      rejected: 0,
      unanswered: 0,
      expected: 100,
      delivered: 100,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      disconnects: 0,
      durationMs: 1000,
    };
    expect(poisoned!.honestOnly).toMatchObject(honest);
    expect(poisoned!.withPoison).toMatchObject(honest);
    expect(both).toMatchObject({
      workload: 'poisoned',
      durationMs: 2000,
      sent: 40,
      acknowledged: 40,
      expected: 200,
      delivered: 200,
      lost: 0,
      unanswered: 0,
    });
    for (const window of [poisoned!.honestOnly, poisoned!.withPoison]) {
      expect(window.acknowledgedPerSec).toBeGreaterThan(0);
      expect(window.latencyMs.max).toBeGreaterThanOrEqual(window.latencyMs.p99!);
    }

    // Every poisoned push answered, none taken, the channel never crashed.
    const { poison } = poisoned!;
    expect(poison).toMatchObject({
      rate: 10,
      sent: 10,
      ok: 0,
      channelCrashes: 0,
      rejoinsRefused: 0,
      unanswered: 0,
    });
    expect(Object.values(poison.errors).reduce((a, b) => a + b, 0)).toBe(poison.sent);
    expect((await generator.exited).code).toBe(0);
  }, 45_000);
});
