import { describe, expect, it } from '@jest/globals';
import type { Result } from '../result.js';
import { stepFailures } from './chatprobe.js';

const step = (more: Partial<Result>): Result =>
  ({
    lost: 0,
    rejected: 0,
    unanswered: 0,
    disconnects: 0,
    latencyMs: { n: 100, p50: 3, p95: 10, p99: 20, max: 30 },
    ...more,
  }) as Result;

describe('stepFailures', () => {
  it('passes a clean step within the p99 limit, at the limit included', () => {
    expect(stepFailures(step({}), 50)).toEqual([]);
    expect(
      stepFailures(step({ latencyMs: { n: 1, p50: 1, p95: 1, p99: 50, max: 60 } }), 50),
    ).toEqual([]);
  });

  it('fails on anything lost, rejected, unanswered or dropped, and on a slow or missing p99', () => {
    expect(stepFailures(step({ lost: 2, rejected: 1, unanswered: 3, disconnects: 1 }), 50)).toEqual(
      ['2 deliveries lost', '1 sends rejected', '3 sends unanswered', '1 sockets disconnected'],
    );
    expect(
      stepFailures(step({ latencyMs: { n: 5, p50: 9, p95: 60, p99: 51, max: 70 } }), 50),
    ).toEqual(['p99 51 ms > 50 ms']);
    expect(
      stepFailures(step({ latencyMs: { n: 0, p50: null, p95: null, p99: null, max: null } }), 50),
    ).toEqual(['no delivery measured']);
  });
});
