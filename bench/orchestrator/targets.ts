import { CROSS_NODE_MAX_ADDED_P99_MS, CROSS_NODE_MAX_CPU_RATIO } from './cross-node-report.js';
import { num } from './markdown.js';
import { honestDropPercent, MAX_HONEST_DROP_PERCENT, throughputChange } from './poisoned-report.js';
import { findRow, findRuns, ratio, type Row, stormSeconds } from './report.js';
import { CHAT_PROBE, IDLE_LIMIT_KB, STORM } from './types.js';

export interface TargetCheck {
  id:
    | 'cpu'
    | 'p99'
    | 'crossnode-cpu'
    | 'crossnode-p99'
    | 'saturation-rate'
    | 'saturation-p50'
    | 'storm-seconds'
    | 'storm-vs-ws'
    | 'idle-kb'
    | 'idle-kb-nopresence'
    | 'chat-p99'
    | 'chatprobe-rate'
    | 'poisoned-drop';
  description: string;
  /** The measured figure, with what it was computed from. */
  measured: string;
  limit: string;
  status: 'pass' | 'miss' | 'not measured';
  /** How far inside or outside the limit, in words. */
  margin: string;
  value?: number;
  threshold?: number;
}

const pct = (x: number) => `${num(Math.abs(x) * 100, 0)}%`;

/** `value ≤ threshold`: how far under, or how much over (relative to the limit). */
export function atMost(
  value: number,
  threshold: number,
  unit = '',
): Pick<TargetCheck, 'status' | 'margin'> {
  const diff = `${num(Math.abs(value - threshold), 2)}${unit}`;
  if (value <= threshold)
    return {
      status: 'pass',
      margin: `${pct(1 - value / threshold)} under the limit (${diff} to spare)`,
    };
  return { status: 'miss', margin: `over by ${pct(value / threshold - 1)} (${diff})` };
}

/** `value ≥ threshold`. */
export function atLeast(
  value: number,
  threshold: number,
  unit = '',
): Pick<TargetCheck, 'status' | 'margin'> {
  const diff = `${num(Math.abs(value - threshold), 0)}${unit}`;
  if (value >= threshold)
    return { status: 'pass', margin: `${pct(value / threshold - 1)} above (${diff} more)` };
  return { status: 'miss', margin: `short by ${pct(1 - value / threshold)} (${diff})` };
}

/**
 * The fairness rule: what in these runs was lost, rejected or left unanswered (a storm's failed
 * sockets, an idle phase's dropped ones), in words; undefined when nothing was.
 */
export function unclean(runs: readonly Row[]): string | undefined {
  const parts: string[] = [];
  for (const r of runs) {
    const what = [
      [r.lost, 'lost'],
      [r.rejected, 'rejected'],
      [r.unanswered, 'unanswered'],
      [r.storm?.failed, 'sockets failed to join'],
      [r.storm && r.storm.sockets - r.storm.joined - r.storm.failed, 'sockets not counted'],
      [r.workload === 'idle' || r.workload === 'storm' ? r.disconnects : 0, 'sockets disconnected'],
    ] as const;
    const found = what
      .filter(([n]) => typeof n === 'number' && n > 0)
      .map(([n, word]) => `${num(n)} ${word}`);
    if (found.length > 0) parts.push(`${r.id}: ${found.join(', ')}`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * A check whose runs were not clean: a miss, saying why (a pass on its figure turns into a
 * miss; a miss says it too).
 */
/** A latency target: `value` ms at most `limitMs`, judged with the fairness of `runs`. */
function msAtMost(
  id: TargetCheck['id'],
  description: string,
  limitMs: number,
  value: number | undefined,
  measured: () => string,
  missingWhy: string,
  runs: readonly Row[],
): TargetCheck {
  const limit = `≤ ${limitMs} ms`;
  if (value === undefined) return missing(id, description, limit, missingWhy);
  return withFairness(
    {
      id,
      description,
      measured: measured(),
      limit,
      value,
      threshold: limitMs,
      ...atMost(value, limitMs, ' ms'),
    },
    runs,
  );
}

function withFairness(check: TargetCheck, runs: readonly Row[]): TargetCheck {
  const why = unclean(runs);
  if (!why || check.status === 'not measured') return check;
  if (check.status === 'miss') {
    return {
      ...check,
      margin: `${check.margin}; and not clean: lost, rejected or unanswered (${why})`,
    };
  }
  return {
    ...check,
    status: 'miss',
    margin: `fails: messages or sockets lost, rejected or unanswered (${why}); on the figure alone: ${check.margin}`,
  };
}

/** "; means of 2 and 2 runs" when the figures are means. */
function meanOf(ours: Row, theirs: Row): string {
  if (!ours.runs && !theirs.runs) return '';
  return `; means of ${ours.runs ?? 1} and ${theirs.runs ?? 1} runs`;
}

function missing(
  id: TargetCheck['id'],
  description: string,
  limit: string,
  why: string,
): TargetCheck {
  return { id, description, measured: '—', limit, status: 'not measured', margin: why };
}

/** The issue's targets, each read from this run's rows. */
export function checkTargets(rows: readonly Row[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const fan = findRow(rows, 'nestling', 'fanout');
  const fanWs = findRow(rows, 'ws', 'fanout');
  const fanRuns = findRuns(rows, 'nestling', 'fanout');
  const wsRuns = findRuns(rows, 'ws', 'fanout');
  const asked = fan ? `${num(fan.sockets * fan.rate)}` : '50,000';

  checks.push(withFairness(fanoutCpuCheck(fanRuns, wsRuns), [...fanRuns, ...wsRuns]));
  {
    const description = `Fan-out p99 at ${asked} deliveries/s ≤ 1.5× plain ws`;
    const limit = '≤ 1.50×';
    const r = ratio(fan?.p99, fanWs?.p99);
    if (r === undefined)
      checks.push(missing('p99', description, limit, 'fan-out of Nestling or ws missing'));
    else {
      const measured = `${num(r, 2)}× (${num(fan!.p99, 1)} vs ${num(fanWs!.p99, 1)} ms${meanOf(fan!, fanWs!)}; p99 of ${samples(fan!)} and ${samples(fanWs!)} deliveries)`;
      checks.push(
        withFairness(
          {
            id: 'p99',
            description,
            measured,
            limit,
            value: r,
            threshold: 1.5,
            ...atMost(r, 1.5, '×'),
          },
          [...fanRuns, ...wsRuns],
        ),
      );
    }
  }
  const crossRuns = findRuns(rows, 'nestling', 'crossnode');
  checks.push(
    ...crossNodeChecks(fan, findRow(rows, 'nestling', 'crossnode'), asked).map((c) =>
      withFairness(c, [...fanRuns, ...crossRuns]),
    ),
  );
  const sat = findRow(rows, 'nestling', 'saturation');
  const satIo = findRow(rows, 'socketio', 'saturation');
  {
    const description = 'Saturation probe: delivered/s ≥ socket.io';
    if (sat?.deliveredPerSec === undefined || satIo?.deliveredPerSec === undefined) {
      checks.push(
        missing(
          'saturation-rate',
          description,
          '≥ socket.io',
          'saturation of Nestling or socket.io missing',
        ),
      );
    } else {
      const measured = `${num(sat.deliveredPerSec)}/s vs ${num(satIo.deliveredPerSec)}/s`;
      const limit = `≥ ${num(satIo.deliveredPerSec)}/s`;
      // Only Nestling's run must be clean: socket.io's delivered/s already counts what arrived.
      checks.push(
        withFairness(
          {
            id: 'saturation-rate',
            description,
            measured,
            limit,
            value: sat.deliveredPerSec,
            threshold: satIo.deliveredPerSec,
            ...atLeast(sat.deliveredPerSec, satIo.deliveredPerSec, '/s'),
          },
          findRuns(rows, 'nestling', 'saturation'),
        ),
      );
    }
  }
  checks.push(
    msAtMost(
      'saturation-p50',
      'Saturation probe: p50 ≤ 50 ms',
      50,
      sat?.p50,
      () => `${num(sat?.p50, 1)} ms (p50 of ${samples(sat!)} deliveries)`,
      'saturation of Nestling missing',
      findRuns(rows, 'nestling', 'saturation'),
    ),
  );
  checks.push(...stormChecks(rows));
  checks.push(idleCheck(rows, undefined), idleCheck(rows, 'no-presence'));
  const chat = findRow(rows, 'nestling', 'chat');
  checks.push(
    msAtMost(
      'chat-p99',
      'Chat round trip p99 ≤ 15 ms at the chat rate',
      15,
      chat?.p99,
      () =>
        `${num(chat?.p99, 1)} ms at ${num(chat?.rate)} msgs/s (p99 of ${samples(chat!)} deliveries)`,
      'chat run missing',
      findRuns(rows, 'nestling', 'chat'),
    ),
  );
  checks.push(chatProbeCheck(findRow(rows, 'nestling', 'chatprobe')));
  // The honest senders' figures (the poisoner's refused pushes are counted apart, as intended).
  checks.push(
    withFairness(
      poisonedDropCheck(findRow(rows, 'nestling', 'poisoned')),
      findRuns(rows, 'nestling', 'poisoned'),
    ),
  );
  return checks;
}

/**
 * The cross-node fan-out against Nestling's single-node fan-out (each the mean of its runs):
 * node B's CPU per delivery, and the p99 added by the hop through node A and Redis.
 */
function crossNodeChecks(single: Row | undefined, cross: Row | undefined, asked: string) {
  const cpuDescription = `Cross-node fan-out: CPU per delivery on the receiving node ≤ ${CROSS_NODE_MAX_CPU_RATIO}× one node`;
  const cpuLimit = `≤ ${num(CROSS_NODE_MAX_CPU_RATIO, 2)}×`;
  const p99Description = `Cross-node fan-out: p99 added by the bus at ${asked} deliveries/s ≤ ${CROSS_NODE_MAX_ADDED_P99_MS} ms`;
  const p99Limit = `≤ +${CROSS_NODE_MAX_ADDED_P99_MS} ms`;
  const why = `${cross ? 'single-node' : 'cross-node'} fan-out of Nestling missing`;
  const checks: TargetCheck[] = [];
  const r = ratio(cross?.cpuUsPerDelivery, single?.cpuUsPerDelivery);
  if (r === undefined) checks.push(missing('crossnode-cpu', cpuDescription, cpuLimit, why));
  else {
    checks.push({
      id: 'crossnode-cpu',
      description: cpuDescription,
      measured: `${num(r, 2)}× (${num(cross!.cpuUsPerDelivery, 2)} vs ${num(single!.cpuUsPerDelivery, 2)} µs${meanOf(cross!, single!)})`,
      limit: cpuLimit,
      value: r,
      threshold: CROSS_NODE_MAX_CPU_RATIO,
      ...atMost(r, CROSS_NODE_MAX_CPU_RATIO, '×'),
    });
  }
  if (typeof cross?.p99 !== 'number' || typeof single?.p99 !== 'number') {
    checks.push(missing('crossnode-p99', p99Description, p99Limit, why));
  } else {
    const added = cross.p99 - single.p99;
    checks.push({
      id: 'crossnode-p99',
      description: p99Description,
      measured: `${added < 0 ? '−' : '+'}${num(Math.abs(added), 1)} ms (${num(cross.p99, 1)} vs ${num(single.p99, 1)} ms${meanOf(cross, single)})`,
      limit: p99Limit,
      value: added,
      threshold: CROSS_NODE_MAX_ADDED_P99_MS,
      ...(added < 0
        ? { status: 'pass', margin: 'nothing added: lower than on one node' }
        : atMost(added, CROSS_NODE_MAX_ADDED_P99_MS, ' ms')),
    });
  }
  return checks;
}

/** The honest senders' throughput may drop by at most 10% with the poisoner (percentage points). */
function poisonedDropCheck(row: Row | undefined): TargetCheck {
  const description = `Poisoned chat: honest throughput drop ≤ ${MAX_HONEST_DROP_PERCENT}%`;
  const limit = `≤ ${MAX_HONEST_DROP_PERCENT}%`;
  const windows = row?.poisoned;
  const drop = windows && honestDropPercent(windows);
  if (windows === undefined || drop === undefined) {
    return missing('poisoned-drop', description, limit, 'poisoned chat run missing');
  }
  const spare = MAX_HONEST_DROP_PERCENT - drop;
  return {
    id: 'poisoned-drop',
    description,
    measured: `${num(drop, 1)}% (${throughputChange(windows)})`,
    limit,
    value: drop,
    threshold: MAX_HONEST_DROP_PERCENT,
    ...(spare >= 0
      ? { status: 'pass', margin: `${num(spare, 1)} points under the limit` }
      : { status: 'miss', margin: `over by ${num(-spare, 1)} points` }),
  };
}

/** "750,000" samples, or "?" when the run did not count them. */
function samples(row: Row): string {
  return row.latencyN === undefined ? '?' : num(row.latencyN);
}

/**
 * Fan-out CPU per delivery against plain ws, met only beyond the spread of the runs: the worst
 * pairing, the highest of Nestling's runs over the lowest of ws's, must stay within 1.05×; the
 * ratio of the means is shown beside it.
 */
export function fanoutCpuCheck(ours: readonly Row[], theirs: readonly Row[]): TargetCheck {
  const description =
    'Fan-out: CPU per delivery ≤ 1.05× plain ws, beyond the spread (worst pairing of the runs)';
  const limit = '≤ 1.05× (max Nestling ÷ min ws)';
  const cpu = (runs: readonly Row[]) =>
    runs.map((r) => r.cpuUsPerDelivery).filter((v): v is number => typeof v === 'number');
  const a = cpu(ours);
  const b = cpu(theirs);
  if (a.length === 0 || b.length === 0) {
    return missing('cpu', description, limit, 'fan-out of Nestling or ws missing');
  }
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const worst = Math.max(...a) / Math.min(...b);
  const meanRatio = mean(a) / mean(b);
  const range = (v: number[]) =>
    v.length > 1 ? `${num(Math.min(...v), 2)}–${num(Math.max(...v), 2)}` : num(v[0], 2);
  const measured =
    `worst pairing ${num(worst, 2)}× (Nestling's highest of ${a.length} run(s) ` +
    `${num(Math.max(...a), 2)} µs ÷ ws's lowest of ${b.length} ${num(Math.min(...b), 2)} µs); ` +
    `mean ratio ${num(meanRatio, 2)}× (${num(mean(a), 2)} µs, runs ${range(a)}, vs ` +
    `${num(mean(b), 2)} µs, runs ${range(b)})`;
  return {
    id: 'cpu',
    description,
    measured,
    limit,
    value: worst,
    threshold: 1.05,
    ...atMost(worst, 1.05, '×'),
  };
}

/**
 * The join storm at the peers' socket count: Nestling within STORM.maxSeconds, and within
 * STORM.maxTimesWs of plain ws's time; every socket joined (and given its presence_state where it
 * asked), none failing after its retries.
 */
export function stormChecks(rows: readonly Row[]): TargetCheck[] {
  const wsRuns = findRuns(rows, 'ws', 'storm');
  const n = wsRuns[0]?.sockets ?? STORM.full.peers;
  const ours = findRuns(rows, 'nestling', 'storm', { sockets: n });
  const row = ours[0];
  const seconds = stormSeconds(row);
  const wsSeconds = stormSeconds(wsRuns[0]);
  const share = row?.presenceShare ?? STORM.presenceShare;
  const asking = `${num(share * 100)}% asking for presence`;
  const secondsDescription = `Join storm: ${num(n)} players connect and join \`notifications\` (${asking}) in ≤ ${STORM.maxSeconds} s`;
  const ratioDescription = `Join storm: ≤ ${STORM.maxTimesWs}× the time plain ws needs to accept ${num(n)} sockets`;
  const checks: TargetCheck[] = [];
  if (seconds === undefined || !row?.storm) {
    checks.push(
      missing(
        'storm-seconds',
        secondsDescription,
        `≤ ${STORM.maxSeconds} s`,
        `Nestling's storm of ${num(n)} missing`,
      ),
    );
  } else {
    const { joined, sockets, failed } = row.storm;
    checks.push(
      withFairness(
        {
          id: 'storm-seconds',
          description: secondsDescription,
          measured: `${num(seconds, 2)} s (${num(joined)} of ${num(sockets)} joined, ${num(failed)} failed; ${num(row.storm.presenceAsked)} presence_state awaited)`,
          limit: `≤ ${STORM.maxSeconds} s`,
          value: seconds,
          threshold: STORM.maxSeconds,
          ...atMost(seconds, STORM.maxSeconds, ' s'),
        },
        ours,
      ),
    );
  }
  const r = ratio(seconds, wsSeconds);
  if (r === undefined) {
    checks.push(
      missing(
        'storm-vs-ws',
        ratioDescription,
        `≤ ${STORM.maxTimesWs}×`,
        'storm of Nestling or ws missing',
      ),
    );
  } else {
    checks.push(
      withFairness(
        {
          id: 'storm-vs-ws',
          description: ratioDescription,
          measured: `${num(r, 2)}× (${num(seconds, 2)} s vs ${num(wsSeconds, 2)} s)`,
          limit: `≤ ${STORM.maxTimesWs}×`,
          value: r,
          threshold: STORM.maxTimesWs,
          ...atMost(r, STORM.maxTimesWs, '×'),
        },
        [...ours, ...wsRuns],
      ),
    );
  }
  return checks;
}

/** Settled RSS per joined socket (no forced GC) within its limit; after GC shown, not judged. */
export function idleCheck(rows: readonly Row[], variant: Row['variant']): TargetCheck {
  const id = variant === 'no-presence' ? 'idle-kb-nopresence' : 'idle-kb';
  const limitKb = IDLE_LIMIT_KB[variant ?? 'presence'];
  const runs = findRuns(rows, 'nestling', 'idle', { variant });
  const idle = runs[0];
  const planned = idle?.plannedSockets ? ` of ${num(idle.plannedSockets)} planned` : '';
  const topic =
    variant === 'no-presence'
      ? '`notifications`, no socket asking for presence'
      : '`notifications`, every socket asking for presence';
  const description = `Settled RSS ≤ ${limitKb} KB per joined socket (${topic}${idle?.joined ? `; ${num(idle.joined)} sockets${planned}` : ''})`;
  const limit = `≤ ${limitKb} KB`;
  if (!idle)
    return missing(
      id,
      description,
      limit,
      `idle run of Nestling${variant ? ' without presence' : ''} missing`,
    );
  const kb = idle.kbPerIdleSocket;
  if (kb === undefined) return missing(id, description, limit, 'no settled figure');
  const afterGc =
    idle.kbPerIdleSocketAfterGc === undefined
      ? `after a full GC: not measured${idle.gcError ? ` (${idle.gcError})` : ''}`
      : `after a full GC: ${num(idle.kbPerIdleSocketAfterGc, 1)} KB, not judged`;
  return withFairness(
    {
      id,
      description,
      measured: `${num(kb, 1)} KB settled, no GC (${afterGc})`,
      limit,
      value: kb,
      threshold: limitKb,
      ...atMost(kb, limitKb, ' KB'),
    },
    runs,
  );
}

/** The highest rate of the chat probe whose step passed (0 when none did). */
export function highestPassingRate(row: Row | undefined): number | undefined {
  if (!row?.probe) return undefined;
  return Math.max(0, ...row.probe.filter((s) => s.passed).map((s) => s.rate));
}

/** The chat probe: its highest passing step at least CHAT_PROBE.minRate msgs/s. */
export function chatProbeCheck(row: Row | undefined): TargetCheck {
  const description = `Chat throughput probe: highest rate with p99 ≤ ${CHAT_PROBE.maxP99Ms} ms and nothing lost, rejected or unanswered ≥ ${num(CHAT_PROBE.minRate)} msgs/s`;
  const limit = `≥ ${num(CHAT_PROBE.minRate)} msgs/s`;
  const best = highestPassingRate(row);
  if (best === undefined || !row?.probe) {
    return missing('chatprobe-rate', description, limit, 'chat probe run missing');
  }
  const failed = row.probe.find((s) => !s.passed);
  const stop = failed
    ? `; the ${num(failed.rate)} msgs/s step failed: ${failed.failures.join(', ')}`
    : '; every step passed';
  return {
    id: 'chatprobe-rate',
    description,
    measured: `${num(best)} msgs/s${stop}`,
    limit,
    value: best,
    threshold: CHAT_PROBE.minRate,
    ...atLeast(best, CHAT_PROBE.minRate, ' msgs/s'),
  };
}
