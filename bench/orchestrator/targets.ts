import { CROSS_NODE_MAX_ADDED_P99_MS, CROSS_NODE_MAX_CPU_RATIO } from './cross-node-report.js';
import { num } from './markdown.js';
import { honestDropPercent, MAX_HONEST_DROP_PERCENT, throughputChange } from './poisoned-report.js';
import { findRow, ratio, type Row } from './report.js';

export interface TargetCheck {
  id:
    | 'cpu'
    | 'p99'
    | 'crossnode-cpu'
    | 'crossnode-p99'
    | 'saturation-rate'
    | 'saturation-p50'
    | 'idle-kb'
    | 'chat-p99'
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
  const asked = fan ? `${num(fan.sockets * fan.rate)}` : '50,000';

  {
    const description = 'Fan-out: CPU per delivery ≤ 1.2× plain ws';
    const limit = '≤ 1.20×';
    const r = ratio(fan?.cpuUsPerDelivery, fanWs?.cpuUsPerDelivery);
    if (r === undefined)
      checks.push(missing('cpu', description, limit, 'fan-out of Nestling or ws missing'));
    else {
      const measured = `${num(r, 2)}× (${num(fan!.cpuUsPerDelivery, 2)} vs ${num(fanWs!.cpuUsPerDelivery, 2)} µs${meanOf(fan!, fanWs!)})`;
      checks.push({
        id: 'cpu',
        description,
        measured,
        limit,
        value: r,
        threshold: 1.2,
        ...atMost(r, 1.2, '×'),
      });
    }
  }
  {
    const description = `Fan-out p99 at ${asked} deliveries/s ≤ 1.5× plain ws`;
    const limit = '≤ 1.50×';
    const r = ratio(fan?.p99, fanWs?.p99);
    if (r === undefined)
      checks.push(missing('p99', description, limit, 'fan-out of Nestling or ws missing'));
    else {
      const measured = `${num(r, 2)}× (${num(fan!.p99, 1)} vs ${num(fanWs!.p99, 1)} ms${meanOf(fan!, fanWs!)})`;
      checks.push({
        id: 'p99',
        description,
        measured,
        limit,
        value: r,
        threshold: 1.5,
        ...atMost(r, 1.5, '×'),
      });
    }
  }
  checks.push(...crossNodeChecks(fan, findRow(rows, 'nestling', 'crossnode'), asked));
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
      checks.push({
        id: 'saturation-rate',
        description,
        measured,
        limit,
        value: sat.deliveredPerSec,
        threshold: satIo.deliveredPerSec,
        ...atLeast(sat.deliveredPerSec, satIo.deliveredPerSec, '/s'),
      });
    }
  }
  {
    const description = 'Saturation probe: p50 ≤ 50 ms';
    if (sat?.p50 === undefined)
      checks.push(
        missing('saturation-p50', description, '≤ 50 ms', 'saturation of Nestling missing'),
      );
    else {
      const measured = `${num(sat.p50, 1)} ms`;
      checks.push({
        id: 'saturation-p50',
        description,
        measured,
        limit: '≤ 50 ms',
        value: sat.p50,
        threshold: 50,
        ...atMost(sat.p50, 50, ' ms'),
      });
    }
  }
  {
    const idle = findRow(rows, 'nestling', 'idle');
    const planned = idle?.plannedSockets ? ` of ${num(idle.plannedSockets)} planned` : '';
    const description = `≤ 15 KB per idle joined socket${idle?.joined ? ` (${num(idle.joined)} sockets${planned})` : ''}`;
    const kb = idle?.kbPerIdleSocketAfterGc;
    if (!idle)
      checks.push(missing('idle-kb', description, '≤ 15 KB', 'idle run of Nestling missing'));
    else if (kb === undefined) {
      const why = idle.gcError
        ? `no full GC could be forced: ${idle.gcError}`
        : 'no after-GC figure';
      checks.push(missing('idle-kb', description, '≤ 15 KB', why));
    } else {
      const settled =
        idle.kbPerIdleSocket === undefined
          ? ''
          : `; settled, no GC: ${num(idle.kbPerIdleSocket, 1)} KB`;
      checks.push({
        id: 'idle-kb',
        description,
        measured: `${num(kb, 1)} KB after a full GC${settled}`,
        limit: '≤ 15 KB',
        value: kb,
        threshold: 15,
        ...atMost(kb, 15, ' KB'),
      });
    }
  }
  {
    const chat = findRow(rows, 'nestling', 'chat');
    const description = 'Chat round trip p99 ≤ 20 ms';
    if (chat?.p99 === undefined)
      checks.push(missing('chat-p99', description, '≤ 20 ms', 'chat run missing'));
    else {
      const measured = `${num(chat.p99, 1)} ms`;
      checks.push({
        id: 'chat-p99',
        description,
        measured,
        limit: '≤ 20 ms',
        value: chat.p99,
        threshold: 20,
        ...atMost(chat.p99, 20, ' ms'),
      });
    }
  }
  checks.push(poisonedDropCheck(findRow(rows, 'nestling', 'poisoned')));
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
