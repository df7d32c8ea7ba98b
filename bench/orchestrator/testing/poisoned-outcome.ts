// A poisoned-chat phase as the orchestrator records it, for the report's tests.
import type { PoisonReplies, Result } from '../../generator/result.js';
import type { PhaseOutcome } from '../types.js';

export interface FakeWindow {
  /** Honest sends acknowledged per second. */
  perSec: number;
  p99: number;
  /** Honest sends left unanswered when the window ended. */
  unanswered?: number;
  /** Server and PostgreSQL CPU over the window, % of one core. */
  serverCpu?: number;
  dbCpu?: number;
}

function window(fake: FakeWindow): Result {
  const sent = 10_000;
  const acknowledged = sent - (fake.unanswered ?? 0);
  return {
    target: 'nestling',
    workload: 'poisoned',
    sockets: 1000,
    rate: 1000,
    durationMs: 10_000,
    payloadBytes: 100,
    sent,
    expected: acknowledged * 5,
    delivered: acknowledged * 5,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    rejected: 0,
    unanswered: fake.unanswered ?? 0,
    deliveredPerSec: fake.perSec * 5,
    acknowledged,
    acknowledgedPerSec: fake.perSec,
    latencyMs: { p50: 4, p95: 8, p99: fake.p99, max: 2 * fake.p99 },
    generatorCpuMs: 2000,
    generatorCpuPercent: 20,
    measuredMs: 10_050,
    setupMs: 18_000,
    disconnects: 0,
  };
}

/** Two windows of 10 s (honest only, then with the poisoner) and what the poisoner got back. */
export function poisonedOutcome(
  honestOnly: FakeWindow,
  withPoison: FakeWindow,
  poison: Partial<PoisonReplies> = {},
): PhaseOutcome {
  const replies: PoisonReplies = {
    rate: 500,
    sent: 5000,
    ok: 0,
    errors: { invalid_payload: 5000 },
    channelCrashes: 0,
    rejoinsRefused: 0,
    unanswered: 0,
    ...poison,
  };
  const cpu = (fake: FakeWindow) => ({
    windowMs: 10_000,
    serverCpuUs: (fake.serverCpu ?? 30) * 100_000,
    dbCpuUs: (fake.dbCpu ?? 20) * 100_000,
  });
  const first = window(honestOnly);
  const second = window(withPoison);
  return {
    spec: {
      id: 'nestling/poisoned',
      target: 'nestling',
      workload: 'poisoned',
      generatorWorkload: 'poisoned',
      run: 1,
      sockets: 1000,
      rate: 1000,
      durationMs: 10_000,
      payloadBytes: 100,
      profile: false,
      readyTimeoutMs: 120_000,
      settleMs: 0,
    },
    ok: true,
    startedAt: '2025-01-01T00:00:00.000Z',
    pinned: true,
    ready: { ready: true, sockets: 1001 },
    result: {
      ...first,
      durationMs: 20_000,
      sent: first.sent + second.sent,
      expected: first.expected + second.expected,
      delivered: first.delivered + second.delivered,
      unanswered: (first.unanswered ?? 0) + (second.unanswered ?? 0),
      poisoned: { honestOnly: first, withPoison: second, poison: replies },
    },
    server: { pid: 1, cpuUs: 6_000_000, systemCpuUs: 1_000_000, windowMs: 20_100 },
    windowCpu: { honestOnly: cpu(honestOnly), withPoison: cpu(withPoison) },
    timings: { serverStartMs: 1700, setupMs: 18_000, runMs: 20_100, totalMs: 41_000 },
  };
}
