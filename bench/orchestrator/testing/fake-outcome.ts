import type {
  CompanionMeasure,
  GeneratorResult,
  PhaseOutcome,
  Target,
  Workload,
} from '../types.js';

/** The figures a fake phase outcome deviates from the defaults by. */
export interface Fake {
  delivered?: number;
  cpuUs?: number;
  p50?: number;
  p99?: number;
  perSec?: number;
  lost?: number;
  baselineKb?: number;
  idleKb?: number;
  baselineGcKb?: number;
  idleGcKb?: number;
  gcError?: string;
  prepareMs?: number;
  sockets?: number;
  /** Cross-node: node A's and Redis's CPU over the window. */
  companions?: CompanionMeasure[];
}

/** A measured phase with round figures: 750 messages to 1,000 sockets, 6 s of server CPU. */
export function outcome(target: Target, workload: Workload, fake: Fake): PhaseOutcome {
  const sockets = fake.sockets ?? 1000;
  const delivered = fake.delivered ?? 750_000;
  const generatorWorkload =
    workload === 'saturation' || workload === 'crossnode' ? 'fanout' : workload;
  const result: GeneratorResult = {
    target,
    workload: generatorWorkload,
    sockets,
    rate: 50,
    durationMs: 15_000,
    payloadBytes: 100,
    sent: 750,
    expected: delivered + (fake.lost ?? 0),
    delivered,
    lost: fake.lost ?? 0,
    duplicated: 0,
    outOfOrder: 0,
    rejected: 0,
    deliveredPerSec: fake.perSec ?? 50_000,
    latencyMs: { p50: fake.p50 ?? 2, p95: 5, p99: fake.p99 ?? 10, max: 20 },
    generatorCpuMs: 1000,
    generatorCpuPercent: 40,
    unanswered: null,
    measuredMs: 15_000,
    setupMs: 1000,
    disconnects: 0,
  };
  return {
    spec: {
      id: `${target}/${workload}`,
      target,
      workload,
      generatorWorkload,
      run: 1,
      sockets,
      rate: 50,
      durationMs: 15_000,
      payloadBytes: 100,
      profile: false,
      readyTimeoutMs: 1000,
      settleMs: workload === 'idle' ? 3000 : 0,
    },
    ...(fake.companions && { companions: fake.companions }),
    ok: true,
    startedAt: '2025-01-01T00:00:00.000Z',
    pinned: true,
    ready: { ready: true, sockets },
    result,
    server: {
      pid: 1,
      cpuUs: fake.cpuUs ?? 6_000_000,
      systemCpuUs: (fake.cpuUs ?? 6_000_000) / 2,
      windowMs: 17_000,
      descendantsCpuUs: 0,
      peakRssKb: 102_400,
      hwmKb: 110_000,
      baselineRssKb: fake.baselineKb ?? 50_000,
      readyRssKb: (fake.baselineKb ?? 50_000) + 10 * sockets,
      setupCpuUs: 1_000_000,
      idleRssKb: fake.idleKb,
      baselineGcRssKb: fake.baselineGcKb,
      idleGcRssKb: fake.idleGcKb,
      gcError: fake.gcError,
    },
    timings: {
      serverStartMs: 1000,
      setupMs: 2000,
      prepareMs: fake.prepareMs,
      runMs: 17_000,
      totalMs: 21_000,
    },
  };
}
