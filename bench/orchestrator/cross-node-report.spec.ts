import { describe, expect, it } from '@jest/globals';
import { missExplanations } from './report.js';
import { outcome } from './testing/fake-outcome.js';
import { testReport } from './testing/report-fixture.js';
import type { CompanionMeasure, PhaseOutcome } from './types.js';

/** Node A's and Redis's CPU over the fake's 17 s window, in % of a core. */
function companions(publisherPercent: number, redisPercent: number): CompanionMeasure[] {
  const us = (percent: number) => percent * 10 * 17_000;
  return [
    { role: 'publisher node', pid: 2, cpuUs: us(publisherPercent), descendantsCpuUs: 0 },
    { role: 'redis', pid: 3, cpuUs: us(redisPercent), descendantsCpuUs: 0 },
  ];
}

function secondRun(o: PhaseOutcome): PhaseOutcome {
  return { ...o, spec: { ...o.spec, id: `${o.spec.id}#2`, run: 2 } };
}

function report(phases: PhaseOutcome[]) {
  const { rows, checks, markdown } = testReport(phases);
  const start = markdown.indexOf('## Cross-node fan-out');
  return {
    cpu: checks.find((c) => c.id === 'crossnode-cpu')!,
    p99: checks.find((c) => c.id === 'crossnode-p99')!,
    misses: missExplanations(checks, rows, undefined),
    section: markdown.slice(start, markdown.indexOf('\n## ', start + 1)),
    markdown,
  };
}

// One node: 6.75 s of CPU for 750,000 deliveries = 9 µs each, p99 14 ms.
const singleNode = outcome('nestling', 'fanout', { cpuUs: 6_750_000, p99: 14 });

describe('the cross-node fan-out in the report', () => {
  it('shows both runs and their mean beside the single-node fan-out, targets met', () => {
    const { cpu, p99, misses, section, markdown } = report([
      singleNode,
      outcome('nestling', 'crossnode', {
        cpuUs: 7_200_000, // 9.6 µs
        p99: 16,
        companions: companions(10, 5),
      }),
      secondRun(outcome('nestling', 'crossnode', { cpuUs: 7_500_000, p99: 18 })), // 10 µs
    ]);
    expect(cpu).toMatchObject({
      description: 'Cross-node fan-out: CPU per delivery on the receiving node ≤ 1.15× one node',
      measured: '1.09× (9.80 vs 9.00 µs; means of 2 and 1 runs)',
      limit: '≤ 1.15×',
      status: 'pass',
    });
    expect(p99).toMatchObject({
      description: 'Cross-node fan-out: p99 added by the bus at 50,000 deliveries/s ≤ 5 ms',
      measured: '+3.0 ms (17.0 vs 14.0 ms; means of 2 and 1 runs)',
      limit: '≤ +5 ms',
      status: 'pass',
      margin: '40% under the limit (2.00 ms to spare)',
    });
    expect(misses).toEqual([]);
    // Right after the single-node fan-out.
    expect(markdown.indexOf('## Fan-out:')).toBeLessThan(markdown.indexOf('## Cross-node'));
    expect(section).toMatch(
      /^## Cross-node fan-out \(Nestling only\): a publisher on node A, 1,000 subscribers on node B × 50 msgs\/s \(100 B\) = 50,000 deliveries\/s asked, 15 s\n/,
    );
    for (const line of [
      '| one node (the fan-out above) | 50,000 | 750,000 / 750,000 | 0 | 0 | 0 | 0 | 750,000 | 2.0 | 5.0 | 14.0 | 20.0 | 9.00 (4.50 sys) | 40 | — | — | 100.0 | 40 |',
      '| two nodes | 50,000 | 750,000 / 750,000 | 0 | 0 | 0 | 0 | 750,000 | 2.0 | 5.0 | 16.0 | 20.0 | 9.60 (4.80 sys) | 42 | 10 | 5 | 100.0 | 40 |',
      '| two nodes (run 2) | 50,000 | 750,000 / 750,000 | 0 | 0 | 0 | 0 | 750,000 | 2.0 | 5.0 | 18.0 | 20.0 | 10.00 (5.00 sys) | 44 | — | — | 100.0 | 40 |',
      '| two nodes, mean of 2 | 50,000 | 750,000 / 750,000 | 0 | 0 | 0 | 0 | 750,000 | 2.0 | 5.0 | 17.0 | 20.0 | 9.80 (4.90 sys) | 43 | 10 | 5 | 100.0 | 40 |',
      'On the receiving node, CPU per delivery: 1.09× (9.80 vs 9.00 µs; means of 2 and 1 runs) ' +
        '(target ≤ 1.15×: ✅ met). The p99 the bus adds: +3.0 ms (17.0 vs 14.0 ms; means of 2 ' +
        'and 1 runs) (target ≤ +5 ms: ✅ met).',
      'node B alone on CPU 0, as the single-node server is; node A, Redis, ' +
        "node A's embedded PostgreSQL and the generator on CPU 1 (",
      '`redis-server` on a free port, no persistence',
    ]) {
      expect(section).toContain(line);
    }
  });

  it('keeps missed targets in the report with their measured cause', () => {
    const { cpu, p99, misses, section, markdown } = report([
      singleNode,
      outcome('nestling', 'crossnode', {
        cpuUs: 12_000_000, // 16 µs
        p99: 30,
        p50: 6,
        companions: companions(85, 10),
      }),
    ]);
    expect(cpu).toMatchObject({ status: 'miss', margin: 'over by 55% (0.63×)' });
    expect(p99).toMatchObject({
      measured: '+16.0 ms (30.0 vs 14.0 ms)',
      status: 'miss',
      margin: 'over by 220% (11.00 ms)',
    });
    expect(markdown).toContain(
      '| Cross-node fan-out: CPU per delivery on the receiving node ≤ 1.15× one node | 1.78× (16.00 vs 9.00 µs) | ≤ 1.15× | ❌ miss | over by 55% (0.63×) |',
    );
    expect(misses).toEqual([
      'Cross-node fan-out: CPU per delivery on the receiving node ≤ 1.15× one node: 1.78× ' +
        '(16.00 vs 9.00 µs), over by 55% (0.63×). On node B, kernel time per delivery 8.00 µs vs ' +
        '4.50 µs on one node; user time 8.00 vs 4.50 µs; node B used 71% of its core (one node: ' +
        '40%).',
      'Cross-node fan-out: p99 added by the bus at 50,000 deliveries/s ≤ 5 ms: +16.0 ms (30.0 vs ' +
        '14.0 ms), over by 220% (11.00 ms). p50 2.0 → 6.0 ms, p95 5.0 → 5.0 ms, max 20.0 → 20.0 ' +
        'ms. Node B used 71% of its core (one node: 40%); node A used 85%, Redis 10% and the ' +
        'generator 40% of the core they share (135% in all: nearly saturated, so the hop ' +
        'through node A and Redis may have waited for that core).',
    ]);
    expect(section).toContain('(target ≤ 1.15×: ❌ missed)');
    expect(section).toContain('(target ≤ +5 ms: ❌ missed)');
  });

  it('says which side is missing, and that a lower p99 adds nothing', () => {
    const alone = report([outcome('nestling', 'crossnode', { p99: 10 })]);
    expect(alone.cpu).toMatchObject({
      status: 'not measured',
      margin: 'single-node fan-out of Nestling missing',
    });
    expect(alone.section).toContain(
      'CPU per delivery: not measured (single-node fan-out of Nestling missing)',
    );
    expect(report([singleNode]).p99).toMatchObject({
      status: 'not measured',
      margin: 'cross-node fan-out of Nestling missing',
    });
    const faster = report([singleNode, outcome('nestling', 'crossnode', { p99: 12 })]);
    expect(faster.p99).toMatchObject({
      measured: '−2.0 ms (12.0 vs 14.0 ms)',
      status: 'pass',
      margin: 'nothing added: lower than on one node',
    });
  });
});
