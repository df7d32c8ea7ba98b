import { describe, expect, it } from '@jest/globals';
import type { WaitSummary } from './pg-waits.js';
import type { ProfileSummary } from './profile.js';
import {
  caveats,
  missExplanations,
  pgWaitsSentence,
  ratios,
  renderReport,
  toRow,
} from './report.js';
import { atLeast, atMost, checkTargets } from './targets.js';
import { poisonedOutcome } from './testing/poisoned-outcome.js';
import { outcome } from './testing/fake-outcome.js';
import type { PhaseOutcome } from './types.js';
import { testMachine, testReport } from './testing/report-fixture.js';

const passing = [
  outcome('ws', 'fanout', { cpuUs: 6_000_000, p99: 10 }), // 8 µs per delivery
  outcome('socketio', 'fanout', { cpuUs: 15_000_000, p99: 30 }),
  outcome('nestling', 'fanout', { cpuUs: 6_750_000, p99: 14 }), // 9 µs: 1.125×
  outcome('ws', 'saturation', { perSec: 190_000, p50: 12 }),
  outcome('socketio', 'saturation', { perSec: 90_000, p50: 900 }),
  outcome('nestling', 'saturation', { perSec: 150_000, p50: 20 }),
  // Settled 10 KB per socket, after GC 4 KB.
  outcome('ws', 'idle', {
    sockets: 5000,
    baselineKb: 50_000,
    idleKb: 100_000,
    baselineGcKb: 40_000,
    idleGcKb: 60_000,
  }),
  // Settled 12 KB per socket, after GC 10 KB.
  outcome('nestling', 'idle', {
    sockets: 5000,
    baselineKb: 80_000,
    idleKb: 140_000,
    baselineGcKb: 60_000,
    idleGcKb: 110_000,
    prepareMs: 1500,
  }),
  outcome('nestling', 'chat', { p99: 15 }),
  poisonedOutcome({ perSec: 998, p99: 15 }, { perSec: 990, p99: 16 }),
  outcome('nestling', 'crossnode', { cpuUs: 7_200_000, p99: 16 }), // 9.6 µs: 1.07×; +2 ms
];

describe('rows and ratios', () => {
  it('derives CPU per delivery, the kernel part, CPU % and KB per idle socket', () => {
    const row = toRow(passing[0]);
    expect(row.cpuUsPerDelivery).toBeCloseTo(8);
    expect(row.systemCpuUsPerDelivery).toBeCloseTo(4);
    expect(row.serverCpuPercent).toBeCloseTo(6_000_000 / 10 / 17_000);
    expect(row.peakRssMb).toBe(100);
    const idle = toRow(passing[7]);
    expect(idle.joined).toBe(5000);
    expect(idle.kbPerIdleSocket).toBeCloseTo(12);
    expect(idle.kbPerIdleSocketAfterGc).toBeCloseTo(10);
    expect(idle.setupMs).toBe(2000);
    expect(idle.prepareMs).toBe(1500);
    expect(idle.cpuUsPerDelivery).toBeUndefined();
    expect(idle.p99).toBeUndefined();
  });

  it('never divides by zero or by a missing latency', () => {
    const noLatency = outcome('ws', 'fanout', {});
    (noLatency.result!.latencyMs as unknown as Record<string, null>).p99 = null;
    const list = ratios([toRow(noLatency), toRow(outcome('nestling', 'fanout', {}))]);
    expect(list[0].p99).toBeUndefined();
    expect(list[0].cpuUsPerDelivery).toBe(1);
  });

  it('divides Nestling by each peer, per workload', () => {
    const list = ratios(passing.map(toRow));
    const fanWs = list.find((r) => r.workload === 'fanout' && r.peer === 'ws');
    expect(fanWs?.cpuUsPerDelivery).toBeCloseTo(1.125);
    expect(fanWs?.p99).toBeCloseTo(1.4);
    const idleWs = list.find((r) => r.workload === 'idle' && r.peer === 'ws');
    expect(idleWs?.kbPerIdleSocketAfterGc).toBeCloseTo(2.5);
    expect(list.find((r) => r.workload === 'idle' && r.peer === 'socketio')).toBeUndefined();
    expect(list.some((r) => r.workload === 'chat')).toBe(false);
  });
});

describe('targets', () => {
  it('passes every target with its margin', () => {
    const checks = checkTargets(passing.map(toRow));
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['cpu', 'pass'],
      ['p99', 'pass'],
      ['crossnode-cpu', 'pass'],
      ['crossnode-p99', 'pass'],
      ['saturation-rate', 'pass'],
      ['saturation-p50', 'pass'],
      ['idle-kb', 'pass'],
      ['chat-p99', 'pass'],
      ['poisoned-drop', 'pass'],
    ]);
    expect(checks[0].measured).toBe('1.13× (9.00 vs 8.00 µs)');
    expect(checks[0].margin).toMatch(/^6% under the limit/);
    expect(checks[6]).toMatchObject({
      description: '≤ 15 KB per idle joined socket (5,000 sockets)',
      measured: '10.0 KB after a full GC; settled, no GC: 12.0 KB',
      value: 10,
    });
  });

  it('judges the idle target after GC, and says when no GC could be forced', () => {
    const settledOnly = outcome('nestling', 'idle', {
      sockets: 5000,
      baselineKb: 50_000,
      idleKb: 100_000, // 10 KB settled: would pass
      gcError: 'inspector on port 9: GET /json/list failed',
    });
    const check = checkTargets([toRow(settledOnly)]).find((c) => c.id === 'idle-kb')!;
    expect(check).toMatchObject({
      status: 'not measured',
      margin: 'no full GC could be forced: inspector on port 9: GET /json/list failed',
    });
    const overAfterGc = outcome('nestling', 'idle', {
      sockets: 1000,
      baselineKb: 50_000,
      idleKb: 80_000,
      baselineGcKb: 40_000,
      idleGcKb: 60_000, // 20 KB
    });
    const rows = [toRow(settledOnly)];
    const markdown = renderReport({
      machine,
      mode: 'full',
      rows,
      checks: checkTargets(rows),
      phases: [settledOnly],
      totalSeconds: 1,
      rawFile: 'x',
    });
    expect(markdown).toContain(
      '| Nestling | 5,000 | not measured | 10.0 | not measured | not measured | 48.8 | 97.7 |',
    );
    expect(markdown).toContain(
      'Nestling: no full GC could be forced (inspector on port 9: GET /json/list failed), so its ' +
        'after-GC figures are not measured.',
    );
    expect(checkTargets([toRow(overAfterGc)]).find((c) => c.id === 'idle-kb')).toMatchObject({
      status: 'miss',
      measured: '20.0 KB after a full GC; settled, no GC: 30.0 KB',
    });
  });

  it('says by how much a target is missed, and what was not measured', () => {
    const rows = [
      outcome('ws', 'fanout', { cpuUs: 6_000_000, p99: 10 }),
      outcome('nestling', 'fanout', { cpuUs: 9_000_000, p99: 30 }), // 1.5×, 3×
      outcome('socketio', 'saturation', { perSec: 100_000 }),
      outcome('nestling', 'saturation', { perSec: 80_000, p50: 75 }),
      outcome('nestling', 'chat', { p99: 25 }),
    ].map(toRow);
    const byId = Object.fromEntries(checkTargets(rows).map((c) => [c.id, c]));
    expect(byId.cpu).toMatchObject({ status: 'miss', margin: 'over by 25% (0.30×)' });
    expect(byId.p99).toMatchObject({ status: 'miss', margin: 'over by 100% (1.50×)' });
    expect(byId['saturation-rate']).toMatchObject({
      status: 'miss',
      margin: 'short by 20% (20,000/s)',
    });
    expect(byId['saturation-p50']).toMatchObject({
      status: 'miss',
      margin: 'over by 50% (25.00 ms)',
    });
    expect(byId['idle-kb'].status).toBe('not measured');
    expect(byId['chat-p99']).toMatchObject({ status: 'miss', measured: '25.0 ms' });

    const lines = missExplanations(checkTargets(rows), rows, undefined);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      'Fan-out: CPU per delivery ≤ 1.2× plain ws: 1.50× (12.00 vs 8.00 µs), over by 25% (0.30×). ' +
        'Kernel time per delivery: Nestling 6.00 µs, plain ws 4.00 µs; user time: 6.00 vs 4.00 µs.',
    );
    expect(lines[4]).toMatch(
      /^Chat round trip p99 ≤ 20 ms: 25.0 ms, over by 25% \(5.00 ms\)\. Per delivery Nestling used 8.0 µs of CPU \(35% of its core\)/,
    );
  });

  it('uses the mean of repeated runs, and says so', () => {
    const second = (o: PhaseOutcome): PhaseOutcome => ({
      ...o,
      spec: { ...o.spec, id: `${o.spec.id}#2`, run: 2 },
    });
    const rows = [
      outcome('ws', 'fanout', { cpuUs: 6_000_000, p99: 10 }), // 8 µs
      outcome('nestling', 'fanout', { cpuUs: 6_750_000, p99: 14 }), // 9 µs
      second(outcome('ws', 'fanout', { cpuUs: 7_500_000, p99: 20 })), // 10 µs
      second(outcome('nestling', 'fanout', { cpuUs: 9_750_000, p99: 16 })), // 13 µs
    ].map(toRow);
    const cpu = checkTargets(rows).find((c) => c.id === 'cpu')!;
    expect(cpu.measured).toBe('1.22× (11.00 vs 9.00 µs; means of 2 and 2 runs)');
    expect(cpu.status).toBe('miss');
    const markdown = renderReport({
      machine: {
        date: 'D',
        uname: 'U',
        nproc: 2,
        cpuModel: 'C',
        node: 'v',
        pinned: false,
        dbCpus: '1',
      },
      mode: 'full',
      rows,
      checks: checkTargets(rows),
      phases: [],
      totalSeconds: 1,
      rawFile: 'x',
    });
    expect(markdown).toContain('| Nestling (run 2) | 50,000 |');
    expect(markdown).toContain('| Nestling, mean of 2 | 50,000 |');
    expect(markdown).toContain('**none**');
  });

  it('ignores failed phases', () => {
    const failed = { ...outcome('nestling', 'chat', { p99: 1 }), ok: false, error: 'boom' };
    expect(checkTargets([toRow(failed)]).find((c) => c.id === 'chat-p99')?.status).toBe(
      'not measured',
    );
  });

  it('words margins both ways', () => {
    expect(atMost(10, 20, ' ms')).toEqual({
      status: 'pass',
      margin: '50% under the limit (10.00 ms to spare)',
    });
    expect(atLeast(110, 100, '/s')).toEqual({ status: 'pass', margin: '10% above (10/s more)' });
  });
});

/** What the chat phase's sampler saw: commits queued on the WAL flush. */
const walBound: WaitSummary = {
  intervalMs: 100,
  samples: 150,
  activeSamples: 147,
  failedSamples: 0,
  windowMs: 15_230,
  events: [
    { event: 'LWLock:WALWrite', meanBackends: 5.2, sampleShare: 0.9 },
    { event: 'IO:WalSync', meanBackends: 0.97, sampleShare: 0.97 },
    { event: 'CPU', meanBackends: 0.3, sampleShare: 0.25 },
  ],
};

const machine = testMachine;

describe("PostgreSQL's wait events in the chat phase", () => {
  const slowChat = (pgWaits?: WaitSummary): PhaseOutcome => ({
    ...outcome('nestling', 'chat', { p99: 45, p50: 5 }),
    ...(pgWaits ? { pgWaits } : {}),
  });

  it('names the top wait events with their figures in the chat miss, and the WAL flush', () => {
    const rows = [toRow(slowChat(walBound))];
    const [line] = missExplanations(checkTargets(rows), rows, undefined);
    expect(line).toMatch(/^Chat round trip p99 ≤ 20 ms: 45.0 ms, over by 125% \(25.00 ms\)\./);
    expect(line).toContain(
      "p50 was 5.0 ms. PostgreSQL's active client backends were waiting on LWLock:WALWrite in " +
        '90% of 150 samples every 100 ms (mean 5.2) and on IO:WalSync in 97% (mean 1.0): 6.2 of ' +
        'the 6.5 active on average waited for the WAL to be written and flushed, so commits ' +
        'queue on the WAL flush.',
    );
  });

  it('draws no WAL conclusion from other waits, and words CPU as running', () => {
    const cpuBound: WaitSummary = {
      ...walBound,
      events: [
        { event: 'CPU', meanBackends: 2, sampleShare: 1 },
        { event: 'Lock:transactionid', meanBackends: 0.5, sampleShare: 0.2 },
        { event: 'IO:WalSync', meanBackends: 0.4, sampleShare: 0.4 },
      ],
    };
    expect(pgWaitsSentence(cpuBound)).toBe(
      " PostgreSQL's active client backends were running on CPU in 100% of 150 samples every " +
        '100 ms (mean 2.0) and waiting on Lock:transactionid in 20% (mean 0.5).',
    );
    expect(pgWaitsSentence({ ...walBound, events: [] })).toBe(
      ' No PostgreSQL client backend was active in any of 150 samples every 100 ms.',
    );
    expect(pgWaitsSentence(undefined)).toBe('');
  });

  it('tabulates them under the chat section', () => {
    const phases = [slowChat(walBound)];
    const rows = phases.map(toRow);
    const markdown = renderReport({
      machine,
      mode: 'full',
      rows,
      checks: checkTargets(rows),
      phases,
      totalSeconds: 1,
      rawFile: 'x',
    });
    const chat = markdown.slice(markdown.indexOf('## Chat round trip'));
    expect(chat).toContain(
      'PostgreSQL backends during the measured window, sampled every 100 ms (150 samples over ' +
        '15.2 s; at least one client backend active in 98% of them)',
    );
    expect(chat).toContain(
      [
        '| wait event | mean active backends | % of samples |',
        '| --- | --- | --- |',
        '| `LWLock:WALWrite` | 5.20 | 90% |',
        '| `IO:WalSync` | 0.97 | 97% |',
        '| `CPU` | 0.30 | 25% |',
      ].join('\n'),
    );
  });

  it('says when they could not be sampled, and why', () => {
    const failed: WaitSummary = {
      intervalMs: 100,
      samples: 0,
      activeSamples: 0,
      failedSamples: 0,
      windowMs: 15_000,
      events: [],
      error: 'connecting to 127.0.0.1:5433: password authentication failed',
    };
    const phases = [slowChat(failed)];
    const rows = phases.map(toRow);
    const checks = checkTargets(rows);
    expect(missExplanations(checks, rows, undefined)[0]).toMatch(
      /p50 was 5\.0 ms\. PostgreSQL wait events: not sampled \(connecting to 127\.0\.0\.1:5433: password authentication failed\)\.$/,
    );
    const { markdown } = testReport(phases);
    expect(markdown).toContain(
      'PostgreSQL backends during the measured window, sampled every 100 ms: not sampled ' +
        '(connecting to 127.0.0.1:5433: password authentication failed).',
    );
    expect(markdown).not.toContain('| wait event |');
  });

  it('leaves the chat miss as it was when no sampler ran', () => {
    const rows = [toRow(slowChat())];
    const [line] = missExplanations(checkTargets(rows), rows, undefined);
    expect(line).toMatch(/p50 was 5\.0 ms\.$/);
  });
});

describe('the Markdown report', () => {
  it('has the machine, targets, one table per workload, ratios, the profile and failures', () => {
    const failed = { ...outcome('socketio', 'idle', {}), ok: false, error: 'no ready | line' };
    const phases = [...passing, failed];
    const rows = phases.map(toRow);
    const summary: ProfileSummary = {
      totalMs: 1000,
      idleMs: 400,
      busyMs: 600,
      samples: 1000,
      top: [
        {
          functionName: 'writev',
          location: 'node:net',
          area: 'node core',
          selfMs: 300,
          percent: 50,
        },
      ],
      areas: [{ area: 'node core', selfMs: 300, percent: 50 }],
    };
    const markdown = renderReport({
      machine: {
        date: 'D',
        uname: 'Linux x',
        nproc: 2,
        cpuModel: 'CPU',
        node: 'v20',
        dbCpus: '1',
        pinned: true,
      },
      mode: 'full',
      rows,
      checks: checkTargets(rows),
      profile: { summary, caption: 'caption' },
      phases,
      totalSeconds: 300,
      rawFile: 'bench/results/x.json',
    });
    for (const part of [
      '# Benchmarks',
      '`uname -a`: `Linux x`',
      'taskset',
      '## Targets',
      '## Fan-out: 1,000 sockets × 50 msgs/s (100 B) = 50,000 deliveries/s asked, 15 s',
      '| Nestling | 50,000 | 750,000 / 750,000 |',
      '9.00 (4.50 sys)',
      '## Idle joined sockets: 5,000 sockets',
      '| Nestling | 5,000 | 10.0 | 12.0 | 58.6 | 107.4 | 78.1 | 136.7 | 100.0 | 2.0 |',
      '| plain ws | 5,000 | 4.0 | 10.0 | 39.1 | 58.6 | 48.8 | 97.7 | 100.0 | 2.0 |',
      'KB per idle socket (after full GC)',
      'KB per idle socket (settled, no GC)',
      '`HeapProfiler.collectGarbage` twice',
      '3 s later, the minimum of 6 samples 200 ms apart',
      'waits 0.5 s and takes the minimum of 5 samples 100 ms apart',
      'The ≤ 15 KB target is judged on the after-GC figure',
      'every socket must still learn of every other, so joining N sockets moves O(N²) bytes',
      '(N²/2 ≈ 12,500,000 for the 5,000 sockets here)',
      'set-up here: plain ws 2.0 s; Nestling 2.0 s, 1.5 s of it creating the players)',
      "RSS growth per joined socket read once at the fan-out's `ready` (1,000 sockets, not settled, includes the set-up's garbage): plain ws 10.0 KB",
      '| `ws/fanout` | 1.0 | 2.0 | 50 | 17.0 | — | 21.0 | ok |',
      '## Chat round trip',
      '## Nestling ÷ peers',
      '| Fan-out | plain ws | 1.13× | 1.40× | 1.00× |',
      '## Profile',
      '| 1 | `writev` | `node:net` | 300 | 50.0 |',
      '## Failed phases',
      'no ready \\| line',
    ]) {
      expect(markdown).toContain(part);
    }
  });

  it('flags losses and a saturated generator', () => {
    const row = toRow(outcome('nestling', 'fanout', { lost: 5 }));
    row.generatorCpuPercent = 97;
    expect(caveats([row])).toEqual([
      'Nestling, fanout: 5 deliveries lost.',
      'Nestling, fanout: the generator used 97% of its core, so it may be the bottleneck.',
    ]);
  });
});
