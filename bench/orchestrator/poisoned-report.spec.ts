import { describe, expect, it } from '@jest/globals';
import { honestDropPercent } from './poisoned-report.js';
import { missExplanations } from './report.js';
import { poisonedOutcome } from './testing/poisoned-outcome.js';
import type { PhaseOutcome } from './types.js';
import { testReport } from './testing/report-fixture.js';

function report(phases: PhaseOutcome[]) {
  const { rows, checks, markdown } = testReport(phases);
  return {
    check: checks.find((c) => c.id === 'poisoned-drop')!,
    misses: missExplanations(checks, rows, undefined),
    section: markdown.slice(markdown.indexOf('## Poisoned chat')),
    markdown,
  };
}

/** The issue's observation: honest users fell to 119 msgs/s while the poisoner crashed its channel. */
const collapsed = poisonedOutcome(
  { perSec: 998, p99: 7, serverCpu: 30, dbCpu: 20 },
  { perSec: 119, p99: 237, unanswered: 8000, serverCpu: 98, dbCpu: 60 },
  { errors: { 'unmatched topic': 1200 }, channelCrashes: 310, unanswered: 3490 },
);

describe('poisoned chat in the report', () => {
  it('tabulates both runs and the poisoner, and marks the drop target met', () => {
    const { check, misses, section } = report([
      poisonedOutcome({ perSec: 998, p99: 15 }, { perSec: 990, p99: 16, serverCpu: 35 }),
    ]);
    expect(check).toMatchObject({
      description: 'Poisoned chat: honest throughput drop ≤ 10%',
      measured: '0.8% (998 → 990 acknowledged msgs/s)',
      limit: '≤ 10%',
      status: 'pass',
      margin: '9.2 points under the limit',
    });
    expect(misses).toEqual([]);
    expect(section).toMatch(
      /^## Poisoned chat \(Nestling only\): the chat's 200 conversations × 5 members at 1,000 msgs\/s, 10 s without, then 10 s with one user sending U\+0000 at 500 msgs\/s\n/,
    );
    for (const line of [
      '| honest only | 10,000 | 10,000 | 998 | 0 | 0 | 50,000 / 50,000 | 0 | — | 4.0 | 8.0 | 15.0 | 30.0 | 30 | 20 | 20 |',
      '| honest + poisoner | 10,000 | 10,000 | 990 | 0 | 0 | 50,000 / 50,000 | 0 | — | 4.0 | 8.0 | 16.0 | 32.0 | 35 | 20 | 20 |',
      '| 500 msgs/s | 5,000 | 0 | 5,000 (`invalid_payload` 5,000) | 0 | 0 | 0 |',
      'Honest throughput with the poisoner: 998 → 990 acknowledged msgs/s, a drop of 0.8% ' +
        '(target ≤ 10%: ✅ met); honest p99 15.0 → 16.0 ms.',
      'at 500 msgs/s (50% of the honest rate, `POISON_RATE_SHARE`',
    ]) {
      expect(section).toContain(line);
    }
  });

  it('keeps a missed target in the report with its measured cause', () => {
    const { check, misses, section, markdown } = report([collapsed]);
    expect(check).toMatchObject({
      measured: '88.1% (998 → 119 acknowledged msgs/s)',
      status: 'miss',
      margin:
        'over by 78.1 points; and not clean: lost, rejected or unanswered (nestling/poisoned: ' +
        '8,000 unanswered)',
    });
    expect(markdown).toContain(
      '| Poisoned chat: honest throughput drop ≤ 10% | 88.1% (998 → 119 acknowledged msgs/s) | ≤ 10% | ❌ miss | over by 78.1 points; and not clean: lost, rejected or unanswered (nestling/poisoned: 8,000 unanswered) |',
    );
    expect(misses).toEqual([
      'Poisoned chat: honest throughput drop ≤ 10%: 88.1% (998 → 119 acknowledged msgs/s), over ' +
        'by 78.1 points; and not clean: lost, rejected or unanswered (nestling/poisoned: 8,000 ' +
        'unanswered). With the poisoner 2,000 of the 10,000 honest sends were acknowledged, ' +
        "8,000 still unanswered when the run ended; p99 7.0 → 237.0 ms. The poisoner's 5,000 " +
        'pushes: 0 answered ok, error replies 1,200 (`unmatched topic` 1,200), 3,490 unanswered. ' +
        'Its channel crashed 310 times (`phx_error`): its sends failed inside the server instead ' +
        'of being refused on arrival. Nestling used 98% of its core (30% without the poisoner) ' +
        'and PostgreSQL 60% (20%).',
    ]);
    expect(section).toContain(
      '| 500 msgs/s | 5,000 | 0 | 1,200 (`unmatched topic` 1,200) | 310 | 0 | 3,490 |',
    );
    expect(section).toContain(
      'a drop of 88.1% (target ≤ 10%: ❌ missed); honest p99 7.0 → 237.0 ms.',
    );
  });

  it('says when the poisoner was answered ok', () => {
    const accepted = poisonedOutcome(
      { perSec: 1000, p99: 7 },
      { perSec: 700, p99: 50 },
      {
        ok: 40,
        errors: { invalid_payload: 4960 },
      },
    );
    expect(report([accepted]).misses[0]).toContain(
      '40 were answered ok: the server accepted messages it cannot store.',
    );
  });

  it('is not measured without the run, or without an honest throughput to compare with', () => {
    expect(report([]).check).toMatchObject({
      status: 'not measured',
      margin: 'poisoned chat run missing',
    });
    const failed = { ...collapsed, ok: false, error: 'generator error: boom' };
    expect(report([failed]).check.status).toBe('not measured');
    expect(report([failed]).markdown).not.toContain('## Poisoned chat');
    const none = poisonedOutcome({ perSec: 0, p99: 7 }, { perSec: 0, p99: 7 });
    expect(honestDropPercent(none.result!.poisoned!)).toBeUndefined();
    expect(report([none]).check.status).toBe('not measured');
  });

  it('uses the split CPU readings when there are any, and dashes otherwise', () => {
    const unsplit: PhaseOutcome = { ...collapsed, windowCpu: undefined };
    const { section, misses } = report([unsplit]);
    expect(section).toContain(
      '| honest only | 10,000 | 10,000 | 998 | 0 | 0 | 50,000 / 50,000 | 0 | — | 4.0 | 8.0 | 7.0 | 14.0 | — | — | 20 |',
    );
    expect(misses[0]).not.toContain('Nestling used');
  });
});
