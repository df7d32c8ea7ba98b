import { describe, expect, it } from '@jest/globals';
import { dueBy, runPaced, totalMessages } from './pacing.js';

describe('pacing', () => {
  it('plans rate × duration messages', () => {
    expect(totalMessages(20, 500)).toBe(10);
    expect(totalMessages(1000, 2500)).toBe(2500);
    expect(totalMessages(3, 1000)).toBe(3);
  });

  it('sends what is due by now, never more than the total', () => {
    expect(dueBy(0, 100, 50)).toBe(0);
    expect(dueBy(9.99, 100, 50)).toBe(0);
    expect(dueBy(10, 100, 50)).toBe(1);
    expect(dueBy(255, 100, 50)).toBe(25);
    expect(dueBy(10_000, 100, 50)).toBe(50);
  });

  it('catches up after a late timer: the count depends on elapsed time only', () => {
    const rate = 1000;
    const sentAfterTicks = [10, 20, 75, 80].map((t) => dueBy(t, rate, 1000));
    expect(sentAfterTicks).toEqual([10, 20, 75, 80]);
  });

  it('runs every message once, in order, over about the planned time', async () => {
    const sent: number[] = [];
    const run = await runPaced(200, 20, (k) => sent.push(k));
    expect(sent).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(run.sent).toBe(20);
    expect(run.endedAt - run.startedAt).toBeGreaterThanOrEqual(95);
  });

  it('finishes at once with nothing to send', async () => {
    await expect(runPaced(10, 0, () => undefined)).resolves.toMatchObject({ sent: 0 });
  });
});
