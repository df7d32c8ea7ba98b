import { CROSS_NODE_CPUS } from './cross-node.js';
import { num, table } from './markdown.js';
import type { Machine, Row } from './report.js';
import type { TargetCheck } from './targets.js';

/** The limits: CPU per delivery on the receiving node ÷ one node's, and p99 added. */
export const CROSS_NODE_MAX_CPU_RATIO = 1.15;
export const CROSS_NODE_MAX_ADDED_P99_MS = 5;

/** CPU 1's load is this busy or more (% of the core): the hop may have waited for it. */
const BUSY_CORE_PERCENT = 90;

const user = (r: Row) =>
  r.cpuUsPerDelivery === undefined || r.systemCpuUsPerDelivery === undefined
    ? undefined
    : r.cpuUsPerDelivery - r.systemCpuUsPerDelivery;

const sum = (values: (number | undefined)[]) =>
  values.some((v) => v === undefined)
    ? undefined
    : values.reduce<number>((total, v) => total + v!, 0);

/** What CPU 1 ran besides node B's deliveries: node A, Redis, the generator (% of a core). */
function sharedCore(cross: Row): string {
  const total = sum([cross.publisherNodeCpuPercent, cross.redisCpuPercent, cross.generatorCpuPercent]); // prettier-ignore
  const busy =
    total !== undefined && total >= BUSY_CORE_PERCENT
      ? ': nearly saturated, so the hop through node A and Redis may have waited for that core'
      : '';
  return (
    `node A used ${num(cross.publisherNodeCpuPercent)}%, Redis ${num(cross.redisCpuPercent)}% ` +
    `and the generator ${num(cross.generatorCpuPercent)}% of the core they share ` +
    `(${num(total)}% in all${busy})`
  );
}

/** For a missed cross-node target: what node B, node A, Redis and the generator measured. */
export function crossNodeCause(
  id: 'crossnode-cpu' | 'crossnode-p99',
  single: Row,
  cross: Row,
): string {
  const other =
    (cross.otherCpuPercent ?? 0) >= 15
      ? ` Other processes on the machine used ${num(cross.otherCpuPercent)}% of a core meanwhile.`
      : '';
  if (id === 'crossnode-cpu') {
    return (
      ` On node B, kernel time per delivery ${num(cross.systemCpuUsPerDelivery, 2)} µs vs ` +
      `${num(single.systemCpuUsPerDelivery, 2)} µs on one node; user time ` +
      `${num(user(cross), 2)} vs ${num(user(single), 2)} µs; node B used ` +
      `${num(cross.serverCpuPercent)}% of its core (one node: ${num(single.serverCpuPercent)}%).` +
      other
    );
  }
  return (
    ` p50 ${num(single.p50, 1)} → ${num(cross.p50, 1)} ms, p95 ${num(single.p95, 1)} → ` +
    `${num(cross.p95, 1)} ms, max ${num(single.max, 1)} → ${num(cross.max, 1)} ms. Node B used ` +
    `${num(cross.serverCpuPercent)}% of its core (one node: ${num(single.serverCpuPercent)}%); ` +
    `${sharedCore(cross)}.${other}`
  );
}

function runLabel(row: Row): string {
  if (row.runs) return `two nodes, mean of ${row.runs}`;
  return row.run > 1 ? `two nodes (run ${row.run})` : 'two nodes';
}

function crossNodeTable(single: Row | undefined, rows: Row[]): string {
  const header = [
    'setup', 'delivered/s', 'delivered / expected', 'lost', 'dup', 'out of order', 'rejected',
    'n (latency samples)', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms',
    'receiving node CPU µs/delivery',
    'receiving node CPU %', 'node A CPU %', 'Redis CPU %', 'receiving node peak RSS MB',
    'generator CPU %',
  ]; // prettier-ignore
  const line = (label: string, r: Row) => [
    label,
    num(r.deliveredPerSec),
    `${num(r.delivered)} / ${num(r.expected)}`,
    num(r.lost), num(r.duplicated), num(r.outOfOrder), num(r.rejected),
    num(r.latencyN), num(r.p50, 1), num(r.p95, 1), num(r.p99, 1), num(r.max, 1),
    r.cpuUsPerDelivery === undefined
      ? '—'
      : `${num(r.cpuUsPerDelivery, 2)} (${num(r.systemCpuUsPerDelivery, 2)} sys)`,
    num(r.serverCpuPercent), num(r.publisherNodeCpuPercent), num(r.redisCpuPercent),
    num(r.peakRssMb, 1), num(r.generatorCpuPercent),
  ]; // prettier-ignore
  const body = rows.map((r) => line(runLabel(r), r));
  if (single) {
    const runs = single.runs ? `, mean of ${single.runs}` : '';
    body.unshift(line(`one node (the fan-out above${runs})`, single));
  }
  return table(header, body);
}

const verdict = (check: TargetCheck | undefined) =>
  !check || check.status === 'not measured'
    ? `not measured (${check?.margin ?? 'no check'})`
    : `${check.measured} (target ${check.limit}: ${check.status === 'pass' ? '✅ met' : '❌ missed'})`;

/**
 * The cross-node section's body: the single-node fan-out beside the runs on two nodes and their
 * mean, the two targets' outcome, and how the phase is laid out and measured.
 */
export function crossNodeSection(
  single: Row | undefined,
  cross: { runs: Row[]; mean?: Row },
  checks: readonly TargetCheck[],
  machine: Pick<Machine, 'pinned' | 'dbCpus'>,
): string[] {
  const rows = cross.mean ? [...cross.runs, cross.mean] : cross.runs;
  const check = (id: TargetCheck['id']) => checks.find((c) => c.id === id);
  const { receiver, publisher } = CROSS_NODE_CPUS;
  const db = machine.dbCpus === String(publisher) ? ", node A's embedded PostgreSQL" : '';
  const dbElsewhere =
    db === '' ? ` Node A's embedded PostgreSQL runs on CPU ${machine.dbCpus} (\`--db-cpus\`).` : '';
  const layout = machine.pinned
    ? `Pinned with \`taskset\`: node B alone on CPU ${receiver}, as the single-node server is; ` +
      `node A, Redis${db} and the generator on CPU ${publisher} (node A handles one push per ` +
      "message and Redis relays one message per broadcast: little beside the generator's " +
      `receiving).${dbElsewhere}`
    : 'Not pinned (`taskset` missing or fewer than 2 CPUs): the figures are noisier.';
  return [
    crossNodeTable(single, rows),
    '',
    `On the receiving node, CPU per delivery: ${verdict(check('crossnode-cpu'))}. The p99 the ` +
      `bus adds: ${verdict(check('crossnode-p99'))}.`,
    '',
    'Two Nestling processes form one cluster: node A and node B share a Redis started for the ' +
      "phase (`redis-server` on a free port, no persistence, so the machine's Redis is left " +
      "alone) with a fresh `CLUSTER_NAME`, and one database (node A's embedded PostgreSQL, which " +
      'node B reaches through `DATABASE_URL`). One publisher socket joins `notifications` on ' +
      "node A and pushes `shout` at the fan-out's rate and size; the subscribers join it on node " +
      'B. Each broadcast crosses the bus once (node A encodes its V2 frame, Redis relays it, node ' +
      'B writes those bytes to every subscriber), so node B does what the single-node server ' +
      "does, plus receiving the bus. Node B's CPU is read from `/proc` between the generator's " +
      "`ready` and its result as the single-node server's is, node A's and Redis's over the " +
      'same window; latency runs from the publisher\'s time stamp to receipt on node B, so "added ' +
      'p99" is this p99 minus the single-node fan-out\'s (each the mean of its runs). ' +
      layout,
  ];
}
