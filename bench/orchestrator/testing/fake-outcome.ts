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
  rejected?: number;
  unanswered?: number;
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
    rejected: fake.rejected ?? 0,
    deliveredPerSec: fake.perSec ?? 50_000,
    latencyMs: { n: delivered, p50: fake.p50 ?? 2, p95: 5, p99: fake.p99 ?? 10, max: 20 },
    generatorCpuMs: 1000,
    generatorCpuPercent: 40,
    unanswered: fake.unanswered ?? null,
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

/** A join storm of `sockets` done in `stormMs` (`failed` of them failing), 2 s of server CPU. */
export function stormOutcome(
  target: Target,
  sockets: number,
  stormMs: number,
  { failed = 0, presenceShare = target === 'nestling' ? 0.1 : undefined } = {},
): PhaseOutcome {
  const base = outcome(target, 'storm', { sockets });
  const joined = sockets - failed;
  const storm = {
    sockets,
    joined,
    failed,
    retries: failed * 3,
    presenceAsked: presenceShare ? Math.round(sockets * presenceShare) : 0,
    presenceShare: presenceShare ?? 0,
    window: 500,
    stormMs,
    perSocketMs: {
      n: joined,
      p50: stormMs / 4,
      p95: stormMs / 2,
      p99: stormMs / 1.5,
      max: stormMs,
    },
    errors: failed > 0 ? ['Error: upgrade refused: HTTP 503'] : [],
  };
  return {
    ...base,
    spec: {
      ...base.spec,
      id: `${target}/storm@${sockets}`,
      generatorWorkload: 'storm',
      rate: 0,
      durationMs: 0,
      ...(presenceShare !== undefined && { presenceShare }),
    },
    result: { ...base.result!, workload: 'storm', storm },
    server: {
      ...base.server!,
      stormCpuUs: 2_000_000,
      stormWindowMs: stormMs,
      stormPeakRssKb: 204_800,
    },
  };
}

/** Nestling's idle phase without presence (variant no-presence). */
export function noPresenceIdle(fake: Fake): PhaseOutcome {
  const base = outcome('nestling', 'idle', fake);
  return {
    ...base,
    spec: {
      ...base.spec,
      id: 'nestling/idle-nopresence',
      variant: 'no-presence',
      presenceShare: 0,
    },
  };
}

/** A chat probe whose steps had these p99s (ms) at these rates; `lostAt`: a step losing 3. */
export function probeOutcome(
  steps: { rate: number; p99: number; lost?: number; generatorCpuPercent?: number }[],
): PhaseOutcome {
  const base = outcome('nestling', 'chatprobe', {});
  const probe = steps.map((s) => {
    const result = {
      ...base.result!,
      workload: 'chatprobe' as const,
      rate: s.rate,
      durationMs: 4000,
      sent: s.rate * 4,
      lost: s.lost ?? 0,
      acknowledged: s.rate * 4,
      acknowledgedPerSec: s.rate,
      latencyMs: { n: s.rate * 20, p50: s.p99 / 4, p95: s.p99 / 2, p99: s.p99, max: s.p99 * 2 },
      generatorCpuPercent: s.generatorCpuPercent ?? 40,
      unanswered: 0,
    };
    const failures = [
      ...(s.lost ? [`${s.lost} deliveries lost`] : []),
      ...(s.p99 > 50 ? [`p99 ${s.p99} ms > 50 ms`] : []),
    ];
    return { rate: s.rate, passed: failures.length === 0, failures, result };
  });
  return {
    ...base,
    spec: { ...base.spec, steps: steps.map((s) => s.rate), durationMs: 4000 },
    result: { ...probe[probe.length - 1].result, probe },
    stepCpu: steps.map(() => ({ windowMs: 6000, serverCpuUs: 3_000_000, dbCpuUs: 1_200_000 })),
  };
}
