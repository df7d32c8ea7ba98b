import type { PoisonedWindows, ProbeStep } from '../generator/result.js';
import type { StormSummary } from '../generator/workloads/storm.js';
import { type CommitTimes, commitTimesSentence } from './commit-times.js';
import { crossNodeCause, crossNodeSection } from './cross-node-report.js';
import { num, table } from './markdown.js';
import type { WaitSummary } from './pg-waits.js';
import { poisonedCause, poisonedSection } from './poisoned-report.js';
import { serverV8Flags } from './processes.js';
import type { ProfileSummary } from './profile.js';
import { chatProbeSection } from './chat-probe-report.js';
import { stormSection } from './storm-report.js';
import { type TargetCheck, unclean } from './targets.js';
import {
  CHAT_SETUP_CONCURRENCY,
  CHAT_WARMUP_MS,
  type CompanionMeasure,
  IDLE_LIMIT_KB,
  IDLE_RSS,
  PEERS,
  type PhaseOutcome,
  TARGET_LABEL,
  type Target,
  type Workload,
  WORKLOADS,
} from './types.js';

/** One reported phase, flattened to the figures in the tables. */
export interface Row {
  id: string;
  target: Target;
  workload: Workload;
  /** Nestling's idle run without presence (`no-presence`); undefined otherwise. */
  variant?: PhaseOutcome['spec']['variant'];
  /** Nestling's idle and storm: the share of sockets that asked for presence. */
  presenceShare?: number;
  /** Which run of this target and workload (1, 2, …). */
  run: number;
  /** Set on a mean over several runs: how many. */
  runs?: number;
  ok: boolean;
  error?: string;
  sockets: number;
  /** The planned socket count when the budget made the phase smaller. */
  plannedSockets?: number;
  rate: number;
  durationMs: number;
  payloadBytes: number;
  sent?: number;
  expected?: number;
  delivered?: number;
  lost?: number;
  duplicated?: number;
  outOfOrder?: number;
  rejected?: number;
  /** Sends never answered (Nestling's replies; the peers answer none: undefined). */
  unanswered?: number;
  disconnects?: number;
  deliveredPerSec?: number;
  /** How many latency samples the percentiles cover. */
  latencyN?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
  /** Server CPU (user + system) in the measured window ÷ deliveries, µs. */
  cpuUsPerDelivery?: number;
  /** The kernel's part of it, µs. */
  systemCpuUsPerDelivery?: number;
  /** Server CPU in the measured window, % of one core. */
  serverCpuPercent?: number;
  /** Nestling's embedded PostgreSQL ÷ deliveries, µs. */
  dbCpuUsPerDelivery?: number;
  peakRssMb?: number;
  hwmMb?: number;
  /** Settled RSS before any socket (idle: once the players exist), no GC forced. */
  baselineRssMb?: number;
  /** Idle: settled RSS with every socket joined, no GC forced. */
  idleRssMb?: number;
  /** Idle: the same two right after a full GC forced through the inspector. */
  baselineGcRssMb?: number;
  idleGcRssMb?: number;
  /** Idle: why no full GC could be forced (the after-GC figures are then missing). */
  gcError?: string;
  /** Generator set-up (idle: preparing plus connecting and joining), ms. */
  setupMs?: number;
  /** Idle: of it, preparing the target (Nestling: creating the players), ms. */
  prepareMs?: number;
  /** (RSS at the generator's `ready` − RSS before it started) ÷ sockets: joined, not settled. */
  kbPerSocketAtReady?: number;
  /** Other processes' CPU in the measured window, % of one core (see ServerMeasure.otherCpuUs). */
  otherCpuPercent?: number;
  /** Server CPU from the generator's start to `ready` (or to the failure), % of one core. */
  setupCpuPercent?: number;
  /** Idle sockets held (the generator's `ready.sockets`). */
  joined?: number;
  /**
   * Idle: (settled RSS with the sockets, no GC forced − RSS before them) ÷ sockets, the "before"
   * read right after the forced GC that precedes `go` (the settled one when none could be forced).
   */
  kbPerIdleSocket?: number;
  /** Idle: the same after a full GC each time: what the ≤ 15 KB target is judged on. */
  kbPerIdleSocketAfterGc?: number;
  generatorCpuPercent?: number;
  /** Nestling's chat: what its PostgreSQL's active client backends waited on (pg-waits.ts). */
  pgWaits?: WaitSummary;
  /** Nestling's chat and chat probe: the send batches' commit times in the window. */
  commitTimes?: CommitTimes;
  /** Poisoned chat: each window's honest figures and the poisoner's replies (the generator's). */
  poisoned?: PoisonedWindows;
  /** Poisoned chat: the server's and PostgreSQL's CPU in each window. */
  windowCpu?: PhaseOutcome['windowCpu'];
  /** Cross-node fan-out: node A's CPU (the publisher's node) in the window, % of one core. */
  publisherNodeCpuPercent?: number;
  /** Cross-node fan-out: Redis's CPU in the window, % of one core. */
  redisCpuPercent?: number;
  /** Storm: the generator's summary (the storm's seconds are its stormMs). */
  storm?: StormSummary;
  /** Storm: server CPU from `go` to the last socket done, s. */
  stormCpuS?: number;
  /** Storm: peak RSS in that window, MB. */
  stormPeakRssMb?: number;
  /** Chat probe: every step, with the server's and PostgreSQL's CPU over it. */
  probe?: (ProbeStep & { cpu?: WindowCpuRow })[];
  /** Fan-out runs: min and max of the runs' CPU µs/delivery and p99 (set on a mean row). */
  spread?: { cpuUsPerDelivery?: [number, number]; p99?: [number, number] };
}

/** A chat probe step's CPU, % of one core over the step. */
export interface WindowCpuRow {
  serverCpuPercent?: number;
  dbCpuPercent?: number;
}

const mb = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);

export function toRow(outcome: PhaseOutcome): Row {
  const { spec, result, server } = outcome;
  const row: Row = {
    id: spec.id,
    target: spec.target,
    workload: spec.workload,
    ...(spec.variant && { variant: spec.variant }),
    ...(spec.presenceShare !== undefined && { presenceShare: spec.presenceShare }),
    run: spec.run ?? 1,
    ok: outcome.ok,
    error: outcome.error,
    sockets: spec.sockets,
    plannedSockets: spec.plannedSockets,
    rate: spec.rate,
    durationMs: spec.durationMs,
    payloadBytes: spec.payloadBytes,
    setupMs: outcome.timings.setupMs,
    prepareMs: outcome.timings.prepareMs,
  };
  if (outcome.pgWaits) row.pgWaits = outcome.pgWaits;
  if (outcome.commitTimes) row.commitTimes = outcome.commitTimes;
  if (result?.poisoned) row.poisoned = result.poisoned;
  if (outcome.windowCpu) row.windowCpu = outcome.windowCpu;
  if (result && (spec.workload === 'idle' || spec.workload === 'storm')) {
    row.disconnects = result.disconnects;
    row.generatorCpuPercent = result.generatorCpuPercent;
    if (result.storm) row.storm = result.storm;
  } else if (result) {
    Object.assign(row, {
      sent: result.sent,
      expected: result.expected,
      delivered: result.delivered,
      lost: result.lost,
      duplicated: result.duplicated,
      outOfOrder: result.outOfOrder,
      rejected: result.rejected,
      unanswered: result.unanswered ?? undefined,
      disconnects: result.disconnects,
      deliveredPerSec: result.deliveredPerSec,
      latencyN: result.latencyMs.n,
      p50: result.latencyMs.p50,
      p95: result.latencyMs.p95,
      p99: result.latencyMs.p99,
      max: result.latencyMs.max,
      generatorCpuPercent: result.generatorCpuPercent,
    });
  }
  if (server) {
    row.peakRssMb = mb(server.peakRssKb);
    row.hwmMb = mb(server.hwmKb);
    row.baselineRssMb = mb(server.baselineRssKb);
    row.idleRssMb = mb(server.idleRssKb);
    row.baselineGcRssMb = mb(server.baselineGcRssKb);
    row.idleGcRssMb = mb(server.idleGcRssKb);
    row.gcError = server.gcError;
    const delivered = result?.delivered ?? 0;
    // Idle and storm deliver nothing; the chat probe's window spans steps that its last step's
    // deliveries do not (its CPU is per step, in `probe`).
    if (
      server.cpuUs !== undefined &&
      delivered > 0 &&
      !['idle', 'storm', 'chatprobe'].includes(spec.workload)
    ) {
      row.cpuUsPerDelivery = server.cpuUs / delivered;
      if (server.systemCpuUs !== undefined)
        row.systemCpuUsPerDelivery = server.systemCpuUs / delivered;
      if (spec.target === 'nestling' && server.descendantsCpuUs !== undefined) {
        row.dbCpuUsPerDelivery = server.descendantsCpuUs / delivered;
      }
    }
    const readySockets = outcome.ready?.sockets;
    if (
      server.readyRssKb !== undefined &&
      server.baselineRssKb !== undefined &&
      typeof readySockets === 'number' &&
      readySockets > 0
    ) {
      row.kbPerSocketAtReady = (server.readyRssKb - server.baselineRssKb) / readySockets;
    }
    if (server.setupCpuUs !== undefined && outcome.timings.setupMs) {
      row.setupCpuPercent = server.setupCpuUs / 10 / outcome.timings.setupMs;
    }
    if (spec.workload === 'storm') {
      // The storm's window is `go` to `ready`, not the closing after it.
      if (server.stormOtherCpuUs !== undefined && server.stormWindowMs) {
        row.otherCpuPercent = server.stormOtherCpuUs / 10 / server.stormWindowMs;
      }
    } else if (server.otherCpuUs !== undefined && server.windowMs) {
      row.otherCpuPercent = server.otherCpuUs / 10 / server.windowMs;
    }
    if (server.cpuUs !== undefined && server.windowMs) {
      row.serverCpuPercent = server.cpuUs / 10 / server.windowMs;
    }
    const companionPercent = (role: CompanionMeasure['role']) => {
      const cpuUs = outcome.companions?.find((c) => c.role === role)?.cpuUs;
      return cpuUs === undefined || !server.windowMs ? undefined : cpuUs / 10 / server.windowMs;
    };
    row.publisherNodeCpuPercent = companionPercent('publisher node');
    row.redisCpuPercent = companionPercent('redis');
    if (server.stormCpuUs !== undefined) row.stormCpuS = server.stormCpuUs / 1e6;
    row.stormPeakRssMb = mb(server.stormPeakRssKb);
  }
  if (result?.probe) {
    row.probe = result.probe.map((step, i) => {
      const cpu = outcome.stepCpu?.[i];
      const percent = (us: number | undefined) =>
        us === undefined || !cpu?.windowMs ? undefined : us / 10 / cpu.windowMs;
      return {
        ...step,
        cpu: { serverCpuPercent: percent(cpu?.serverCpuUs), dbCpuPercent: percent(cpu?.dbCpuUs) },
      };
    });
  }
  if (spec.workload === 'idle' && server) {
    const ready = outcome.ready?.sockets;
    const joined = typeof ready === 'number' ? ready : spec.sockets;
    const perSocket = (before: number | undefined, after: number | undefined) => {
      if (before === undefined || after === undefined) return undefined;
      row.joined = joined;
      return joined > 0 ? (after - before) / joined : undefined;
    };
    // The sockets start from the state after the baseline's forced GC (it comes right before
    // `go`): the settled figure counts from there too, else from the settled baseline (no GC
    // could be forced). From the pre-GC baseline it would leave out the start-up and set-up
    // garbage that GC returned, and could even go negative.
    row.kbPerIdleSocket = perSocket(
      server.baselineGcRssKb ?? server.baselineRssKb,
      server.idleRssKb,
    );
    row.kbPerIdleSocketAfterGc = perSocket(server.baselineGcRssKb, server.idleGcRssKb);
  }
  return row;
}

const MEAN_FIELDS = [
  'sent', 'expected', 'delivered', 'lost', 'duplicated', 'outOfOrder', 'rejected', 'disconnects',
  'deliveredPerSec', 'p50', 'p95', 'p99', 'max', 'cpuUsPerDelivery', 'systemCpuUsPerDelivery',
  'serverCpuPercent', 'dbCpuUsPerDelivery', 'peakRssMb', 'hwmMb', 'baselineRssMb', 'idleRssMb',
  'baselineGcRssMb', 'idleGcRssMb', 'kbPerSocketAtReady', 'setupCpuPercent', 'otherCpuPercent',
  'kbPerIdleSocket', 'kbPerIdleSocketAfterGc', 'generatorCpuPercent', 'setupMs', 'prepareMs',
  'publisherNodeCpuPercent', 'redisCpuPercent', 'unanswered', 'latencyN',
] as const satisfies ReadonlyArray<keyof Row>; // prettier-ignore

/** The smallest and largest of the values present (undefined when none is). */
export function minMax(values: readonly (number | undefined)[]): [number, number] | undefined {
  const present = values.filter((v): v is number => typeof v === 'number');
  return present.length ? [Math.min(...present), Math.max(...present)] : undefined;
}

/**
 * The mean of several runs' figures (each over the runs that have it), with the spread (min and
 * max) of CPU µs/delivery and p99.
 */
export function meanRow(list: readonly Row[]): Row {
  const mean: Row = { ...list[0], runs: list.length };
  for (const field of MEAN_FIELDS) {
    const values = list.map((r) => r[field]).filter((v): v is number => typeof v === 'number');
    mean[field] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
  }
  mean.spread = {
    cpuUsPerDelivery: minMax(list.map((r) => r.cpuUsPerDelivery)),
    p99: minMax(list.map((r) => r.p99)),
  };
  return mean;
}

/** Which of a target's runs of a workload: Nestling's idle variant, a storm's socket count. */
export interface RowFilter {
  variant?: Row['variant'];
  sockets?: number;
}

/**
 * The measured (not profiled) runs of a target and workload that succeeded (of the variant
 * asked, none: the default one; of the socket count asked, if any).
 */
export function findRuns(
  rows: readonly Row[],
  target: Target,
  workload: Workload,
  filter: RowFilter = {},
): Row[] {
  return rows.filter(
    (r) =>
      r.ok &&
      r.target === target &&
      r.workload === workload &&
      !r.id.includes('-profile') &&
      r.variant === filter.variant &&
      (filter.sockets === undefined || r.sockets === filter.sockets),
  );
}

/**
 * The measured (not profiled) figures of a target and workload from the runs that succeeded:
 * the row itself, or the mean when it ran several times.
 */
export function findRow(
  rows: readonly Row[],
  target: Target,
  workload: Workload,
  filter: RowFilter = {},
): Row | undefined {
  const list = findRuns(rows, target, workload, filter);
  if (list.length <= 1) return list[0];
  return meanRow(list);
}

/** `Nestling, no presence` for that idle variant; a run's number after the first. */
export function rowLabel(row: Row): string {
  const variant =
    row.workload === 'idle' && row.target === 'nestling'
      ? row.variant === 'no-presence'
        ? ', no socket asking for presence'
        : ', every socket asking for presence'
      : '';
  return `${TARGET_LABEL[row.target]}${variant}${row.run > 1 ? ` (run ${row.run})` : ''}`;
}

/** Nestling ÷ peer for one workload (undefined where either side is missing). */
export interface Ratio {
  workload: Workload;
  /** Nestling's idle variant (`no-presence`), when not the default. */
  variant?: Row['variant'];
  peer: Target;
  cpuUsPerDelivery?: number;
  p99?: number;
  deliveredPerSec?: number;
  /** KB per idle socket, settled without GC (the figure the targets are judged on). */
  kbPerIdleSocket?: number;
  /** KB per idle socket after a full GC (shown beside). */
  kbPerIdleSocketAfterGc?: number;
  peakRss?: number;
  /** Storm: seconds to connect (and join) the peers' socket count. */
  stormSeconds?: number;
}

/** A storm row's seconds (first connect to last socket done). */
export const stormSeconds = (row: Row | undefined) =>
  row?.storm && row.storm.joined > 0 ? row.storm.stormMs / 1000 : undefined;

export function ratio(
  ours: number | null | undefined,
  theirs: number | null | undefined,
): number | undefined {
  if (typeof ours !== 'number' || typeof theirs !== 'number') return undefined;
  const value = ours / theirs;
  return Number.isFinite(value) ? value : undefined;
}

export function ratios(rows: readonly Row[]): Ratio[] {
  const out: Ratio[] = [];
  for (const workload of WORKLOADS) {
    const variants: Row['variant'][] =
      workload === 'idle' ? [undefined, 'no-presence'] : [undefined];
    for (const variant of variants) {
      for (const peer of PEERS) {
        const theirs =
          workload === 'storm' ? findRuns(rows, peer, workload)[0] : findRow(rows, peer, workload);
        if (!theirs) continue;
        const filter = workload === 'storm' ? { sockets: theirs.sockets } : { variant };
        const ours = findRow(rows, 'nestling', workload, filter);
        if (!ours) continue;
        out.push({
          workload,
          ...(variant && { variant }),
          peer,
          cpuUsPerDelivery: ratio(ours.cpuUsPerDelivery, theirs.cpuUsPerDelivery),
          p99: ratio(ours.p99, theirs.p99),
          deliveredPerSec: ratio(ours.deliveredPerSec, theirs.deliveredPerSec),
          kbPerIdleSocket: ratio(ours.kbPerIdleSocket, theirs.kbPerIdleSocket),
          kbPerIdleSocketAfterGc: ratio(ours.kbPerIdleSocketAfterGc, theirs.kbPerIdleSocketAfterGc),
          peakRss: ratio(
            workload === 'storm' ? ours.stormPeakRssMb : ours.peakRssMb,
            workload === 'storm' ? theirs.stormPeakRssMb : theirs.peakRssMb,
          ),
          stormSeconds: ratio(stormSeconds(ours), stormSeconds(theirs)),
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown

export function times(value: number | undefined): string {
  return value === undefined ? '—' : `${num(value, 2)}×`;
}

const WORKLOAD_TITLE: Record<Workload, string> = {
  fanout: 'Fan-out',
  crossnode: 'Cross-node fan-out (Nestling only)',
  saturation: 'Saturation probe',
  storm: 'Join storm',
  idle: 'Idle joined sockets',
  chat: 'Chat round trip (Nestling only)',
  chatprobe: 'Chat throughput probe (Nestling only)',
  poisoned: 'Poisoned chat (Nestling only)',
};

export function workloadHeading(workload: Workload, row: Row): string {
  const title = WORKLOAD_TITLE[workload];
  if (workload === 'idle') return `${title}: ${num(row.sockets)} sockets`;
  if (workload === 'storm') {
    return `${title}: sockets connect (Nestling: and join \`notifications\`) as fast as the generator opens them`;
  }
  if (workload === 'chatprobe') {
    return `${title}: the chat's ${num(row.sockets / 5)} conversations × 5 members at increasing rates`;
  }
  if (workload === 'chat') {
    return `${title}: ${num(row.sockets / 5)} conversations × 5 members, send_message at ${num(row.rate)} msgs/s in total, ${num(row.durationMs / 1000)} s`;
  }
  if (workload === 'poisoned') {
    const poison = row.poisoned ? `${num(row.poisoned.poison.rate)} msgs/s` : 'a fixed rate';
    return `${title}: the chat's ${num(row.sockets / 5)} conversations × 5 members at ${num(row.rate)} msgs/s, ${num(row.durationMs / 1000)} s without, then ${num(row.durationMs / 1000)} s with one user sending U+0000 at ${poison}`;
  }
  const perSec = row.sockets * row.rate;
  if (workload === 'crossnode') {
    return `${title}: a publisher on node A, ${num(row.sockets)} subscribers on node B × ${num(row.rate)} msgs/s (${num(row.payloadBytes)} B) = ${num(perSec)} deliveries/s asked, ${num(row.durationMs / 1000)} s`;
  }
  return `${title}: ${num(row.sockets)} sockets × ${num(row.rate)} msgs/s (${num(row.payloadBytes)} B) = ${num(perSec)} deliveries/s asked, ${num(row.durationMs / 1000)} s`;
}

/** `min–max` of a mean row's runs (empty for a single run). */
function spreadText(range: [number, number] | undefined, digits: number): string {
  return range ? `, runs ${num(range[0], digits)}–${num(range[1], digits)}` : '';
}

function cpuCell(row: Row): string {
  if (row.cpuUsPerDelivery === undefined) return '—';
  const sys = row.systemCpuUsPerDelivery;
  const spread = spreadText(row.spread?.cpuUsPerDelivery, 2);
  return sys === undefined
    ? `${num(row.cpuUsPerDelivery, 2)}${spread ? ` (${spread.slice(2)})` : ''}`
    : `${num(row.cpuUsPerDelivery, 2)} (${num(sys, 2)} sys${spread})`;
}

function deliveryTable(rows: Row[], withDb: boolean): string {
  const header = [
    'server', 'delivered/s', 'delivered / expected', 'lost', 'dup', 'out of order', 'rejected',
    'n (latency samples)', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'server CPU µs/delivery',
    'server CPU %',
    ...(withDb ? ['PostgreSQL CPU µs/delivery'] : []), 'peak RSS MB', 'generator CPU %',
  ]; // prettier-ignore
  const body = rows.map((r) => [
    r.runs ? `${TARGET_LABEL[r.target]}, mean of ${r.runs}` : rowLabel(r),
    num(r.deliveredPerSec),
    `${num(r.delivered)} / ${num(r.expected)}`,
    num(r.lost), num(r.duplicated), num(r.outOfOrder), num(r.rejected),
    num(r.latencyN), num(r.p50, 1), num(r.p95, 1),
    `${num(r.p99, 1)}${r.spread?.p99 ? ` (runs ${num(r.spread.p99[0], 1)}–${num(r.spread.p99[1], 1)})` : ''}`,
    num(r.max, 1),
    cpuCell(r), num(r.serverCpuPercent, 0),
    ...(withDb ? [num(r.dbCpuUsPerDelivery, 2)] : []),
    num(r.peakRssMb, 1), num(r.generatorCpuPercent, 0),
  ]); // prettier-ignore
  return table(header, body);
}

function idleTable(rows: Row[]): string {
  const header = [
    'server', 'sockets joined', 'KB per socket (settled, no GC: judged)',
    'KB per socket (after full GC)', 'RSS before MB (settled)', 'RSS with sockets MB (settled)',
    'RSS before MB (after GC)', 'RSS with sockets MB (after GC)', 'peak RSS MB', 'set-up s',
  ]; // prettier-ignore
  const afterGc = (r: Row, value: number | undefined, digits: number) =>
    value === undefined && r.gcError !== undefined ? 'not measured' : num(value, digits);
  const body = rows.map((r) => [
    rowLabel(r),
    num(r.joined),
    num(r.kbPerIdleSocket, 1),
    afterGc(r, r.kbPerIdleSocketAfterGc, 1),
    num(r.baselineRssMb, 1),
    num(r.idleRssMb, 1),
    afterGc(r, r.baselineGcRssMb, 1),
    afterGc(r, r.idleGcRssMb, 1),
    num(r.peakRssMb, 1),
    num(sec(r.setupMs), 1),
  ]);
  return table(header, body);
}

export function ratioTable(list: readonly Ratio[]): string {
  const body = list.map((r) => [
    `${WORKLOAD_TITLE[r.workload]}${r.variant === 'no-presence' ? ' (no presence)' : r.workload === 'idle' ? ' (presence)' : ''}`,
    TARGET_LABEL[r.peer],
    times(r.cpuUsPerDelivery),
    times(r.p99),
    times(r.deliveredPerSec),
    times(r.stormSeconds),
    times(r.kbPerIdleSocket),
    times(r.kbPerIdleSocketAfterGc),
    times(r.peakRss),
  ]);
  return table(
    [
      'workload',
      'Nestling ÷',
      'CPU µs/delivery',
      'p99',
      'delivered/s',
      'storm seconds',
      'KB/idle socket (settled)',
      'KB/idle socket (after GC)',
      'peak RSS',
    ],
    body,
  );
}

export function targetTable(checks: readonly TargetCheck[]): string {
  const mark = { pass: '✅ pass', miss: '❌ miss', 'not measured': '— not measured' } as const;
  return table(
    ['target', 'measured', 'limit', 'result', 'margin'],
    checks.map((c) => [c.description, c.measured, c.limit, mark[c.status], c.margin]),
  );
}

export function profileSection(summary: ProfileSummary, caption: string): string {
  const areas = table(
    ['where', 'self ms', '% of busy'],
    summary.areas.slice(0, 10).map((a) => [a.area, num(a.selfMs, 0), num(a.percent, 1)]),
  );
  const top = table(
    ['#', 'function', 'script', 'self ms', '% of busy'],
    summary.top.map((e, i) => [
      String(i + 1),
      `\`${e.functionName}\``,
      e.location ? `\`${e.location}\`` : e.area,
      num(e.selfMs, 0),
      num(e.percent, 1),
    ]),
  );
  return [
    caption,
    `Samples in the window: ${num(summary.samples)}; busy ${num(summary.busyMs)} ms, idle ${num(summary.idleMs)} ms. ` +
      'Self time only; time spent in the kernel is charged to the frame that made the system ' +
      'call, so socket writes show up as the native `writev`.',
    '',
    '**By area**',
    '',
    areas,
    '',
    `**Top ${summary.top.length} functions by self time**`,
    '',
    top,
  ].join('\n');
}

export interface Machine {
  date: string;
  uname: string;
  nproc: number;
  cpuModel: string;
  node: string;
  pinned: boolean;
  /** CPUs of Nestling's embedded PostgreSQL (taskset list). */
  dbCpus: string;
}

function dbPlacement(cpus: string): string {
  if (cpus === '0')
    return "Nestling's embedded PostgreSQL on CPU 0 with it (server and database share one core)";
  if (cpus === '1') {
    return "Nestling's embedded PostgreSQL on CPU 1 with the generator (so Nestling has its core to itself, as the peers, which have no database, do; in the chat run the generator shares its core with PostgreSQL)";
  }
  return `Nestling's embedded PostgreSQL on CPUs ${cpus}`;
}

const timesWord = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** How "KB per idle socket" is measured, and why after a full GC (How it is measured). */
export function idleMethod(phases: readonly PhaseOutcome[]): string {
  const { settled, afterGc } = IDLE_RSS;
  const settleMs = phases.find((p) => p.spec.workload === 'idle')?.spec.settleMs;
  const wait = settleMs ? `${num(settleMs / 1000, settleMs % 1000 === 0 ? 0 : 1)} s later, ` : '';
  return (
    '"KB per idle socket" is (RSS with every socket joined − RSS before any socket) ÷ sockets. ' +
    'The generator first prepares what the sockets need (Nestling: one stamp-rally player per ' +
    'socket, created over HTTP; the peers need nothing), says `prepared` and waits; only then ' +
    'is the baseline read, so the players and the garbage of creating them count as "before". ' +
    'The orchestrator then lets it connect and join every socket and reads the RSS again once ' +
    'it reports `ready`. Each of the two readings is taken twice: settled, without GC ' +
    `(${wait}the minimum of ${settled.count} samples ${settled.gapMs} ms apart), and right ` +
    'after a full garbage collection forced from outside through the V8 inspector. The forced ' +
    'GC of the baseline comes right before `go`, so the sockets start from that state, and ' +
    'both per-socket figures count from the after-GC baseline (the settled figure is the ' +
    'settled RSS with the sockets minus it; from the settled baseline, taken before that GC, it ' +
    'would leave out the start-up garbage the GC returned). Every ' +
    'server, Nestling and the three peers alike, runs its idle phase (and only that phase, so no ' +
    'CPU figure is affected) under `node --inspect=127.0.0.1:<port>`, and the orchestrator sends ' +
    `\`HeapProfiler.collectGarbage\` ${timesWord(afterGc.rounds)}, ` +
    `waits ${num(afterGc.pauseMs / 1000, 1)} s and takes the minimum of ${afterGc.count} ` +
    `samples ${afterGc.gapMs} ms apart. The memory targets (≤ ${IDLE_LIMIT_KB.presence} KB per ` +
    `socket with presence, ≤ ${IDLE_LIMIT_KB['no-presence']} KB without) are judged on the ` +
    'settled figure, no GC forced: that is what the machine pays; the after-GC figure is shown ' +
    'beside it, not judged. Nestling runs twice: every socket asking for presence on ' +
    '`notifications` (`{"config":{"presence":{"enabled":true}}}`), then no socket asking (the ' +
    '"topic without presence"); its players exist before the baseline (created once per bench ' +
    'run and reused).'
  );
}

export interface ReportInput {
  machine: Machine;
  mode: 'full' | 'quick';
  rows: Row[];
  checks: TargetCheck[];
  profile?: { summary: ProfileSummary; caption: string };
  /** Profile failures or other notes to show in the profile section. */
  profileNote?: string;
  phases: PhaseOutcome[];
  totalSeconds: number;
  rawFile: string;
  /** Servers that could not run at all here, and why (uWebSockets.js without its binary). */
  unavailable?: Partial<Record<Target, string>>;
}

/** "uWebSockets.js: unavailable (why)" lines for the servers that could not run. */
export function unavailableNotes(unavailable: ReportInput['unavailable']): string[] {
  return Object.entries(unavailable ?? {}).map(
    ([target, why]) =>
      `${TARGET_LABEL[target as Target]}: unavailable on this machine, so its column is missing (${oneLine(why ?? '')}).`,
  );
}

/** Plain observations about the validity of the figures (losses, a saturated generator). */
export function caveats(rows: readonly Row[]): string[] {
  const notes: string[] = [];
  for (const r of rows) {
    if (!r.ok) continue;
    const which =
      r.workload === 'storm'
        ? ` of ${num(r.sockets)}`
        : r.workload === 'chatprobe'
          ? ' (its last step; see its table)'
          : '';
    const who = `${rowLabel(r)}, ${r.workload}${which}`;
    if ((r.lost ?? 0) > 0) notes.push(`${who}: ${num(r.lost)} deliveries lost.`);
    if ((r.disconnects ?? 0) > 0) notes.push(`${who}: ${num(r.disconnects)} sockets disconnected.`);
    if ((r.rejected ?? 0) > 0) notes.push(`${who}: ${num(r.rejected)} sends rejected.`);
    if ((r.unanswered ?? 0) > 0) notes.push(`${who}: ${num(r.unanswered)} sends unanswered.`);
    if ((r.storm?.failed ?? 0) > 0) {
      notes.push(
        `${who}: ${num(r.storm!.failed)} sockets failed to connect or join after retries.`,
      );
    }
    if ((r.otherCpuPercent ?? 0) >= 15) {
      notes.push(
        `${who}: other processes on the machine used ${num(r.otherCpuPercent)}% of a core meanwhile.`,
      );
    }
    if ((r.generatorCpuPercent ?? 0) >= 90) {
      notes.push(
        `${who}: the generator used ${num(r.generatorCpuPercent)}% of its core, so it may be the bottleneck.`,
      );
    }
  }
  return notes;
}

/** What the idle figures mean, and the joined-socket cost seen at the fan-out's `ready`. */
export function idleNotes(rows: readonly Row[]): string[] {
  const idle = rows.filter((r) => r.ok && r.workload === 'idle' && !r.id.includes('-profile'));
  const n = idle.find((r) => r.target === 'nestling' && r.variant === undefined)?.joined;
  const setups = idle
    .filter((r) => r.setupMs !== undefined)
    .map((r) => {
      const players =
        r.target === 'nestling' && r.prepareMs !== undefined
          ? `, ${num(sec(r.prepareMs), 1)} s of it preparing the players`
          : '';
      return `${rowLabel(r)} ${num(sec(r.setupMs), 1)} s${players}`;
    });
  const notes = [
    "Nestling's sockets join the stamp-rally `notifications` topic; the peers only hold the " +
      'connection. Where every socket asks for presence, every socket must learn of every ' +
      'other, so joining N sockets moves O(N²) bytes: about N²/2 presence entries in the ' +
      '`presence_state` replies plus as many in the `presence_diff` broadcasts' +
      (n ? ` (N²/2 ≈ ${num((n * n) / 2)} for the ${num(n)} sockets here)` : '') +
      '; where none asks, none of that traffic is due' +
      (setups.length > 1 ? ` (set-up here: ${setups.join('; ')})` : '') +
      '.',
  ];
  for (const r of idle.filter((r) => r.gcError !== undefined)) {
    notes.push(
      '',
      `${rowLabel(r)}: no full GC could be forced (${oneLine(r.gcError!)}), so its after-GC ` +
        'figures are not measured.',
    );
  }
  for (const r of rows.filter((r) => r.workload === 'idle' && r.plannedSockets !== undefined)) {
    notes.push(
      '',
      `${TARGET_LABEL[r.target]} held ${num(r.sockets)} sockets instead of ${num(r.plannedSockets)}: ` +
        "the run predicted from the fan-out's set-up (players, then joins growing with the square " +
        'of the socket count) that more would not finish joining within the time budget.',
    );
  }
  const atReady = rows.filter(
    (r) => r.ok && r.run === 1 && r.workload === 'fanout' && r.kbPerSocketAtReady !== undefined,
  );
  if (atReady.length > 0) {
    const list = atReady
      .map((r) => `${TARGET_LABEL[r.target]} ${num(r.kbPerSocketAtReady, 1)} KB`)
      .join(', ');
    notes.push(
      '',
      `For comparison, RSS growth per joined socket read once at the fan-out's \`ready\` ` +
        `(${num(atReady[0].sockets)} sockets, not settled, includes the set-up's garbage): ${list}.`,
    );
  }
  return notes;
}

/** WAL waits in which a backend waits for the WAL to be written and flushed (a commit's). */
const WAL_FLUSH_WAITS = new Set(['IO:WalSync', 'IO:WalWrite', 'LWLock:WALWrite']);

const percent = (share: number) => `${num(share * 100, 0)}%`;

/** Under the chat table: the wait events of PostgreSQL's active client backends. */
export function pgWaitsSection(waits: WaitSummary): string[] {
  const title = `PostgreSQL backends during the measured window, sampled every ${num(waits.intervalMs)} ms`;
  if (waits.samples === 0) {
    return [`${title}: not sampled (${oneLine(waits.error ?? 'no sample answered')}).`];
  }
  const failed =
    waits.failedSamples > 0
      ? ` ${num(waits.failedSamples)} samples failed (the first: ${oneLine(waits.error ?? '?')}).`
      : '';
  const intro =
    `${title} (${num(waits.samples)} samples over ${num(waits.windowMs / 1000, 1)} s; at least ` +
    `one client backend active in ${percent(waits.activeSamples / waits.samples)} of them): the ` +
    "embedded PostgreSQL's active client backends (`pg_stat_activity`, the sampler's own " +
    'left out) by wait event, "CPU" when none is set (running or runnable); "mean active ' +
    'backends" averages over every sample, counting 0 where the state is absent.' +
    failed;
  if (waits.events.length === 0) {
    return [intro, '', 'No client backend was active in any sample.'];
  }
  return [
    intro,
    '',
    table(
      ['wait event', 'mean active backends', '% of samples'],
      waits.events.map((e) => [`\`${e.event}\``, num(e.meanBackends, 2), percent(e.sampleShare)]),
    ),
  ];
}

/**
 * For the chat target's miss: the top wait events of PostgreSQL's client backends, with their
 * figures, and whether the WAL flush is where commits wait (empty when nothing was sampled).
 */
export function pgWaitsSentence(waits: WaitSummary | undefined): string {
  if (!waits) return '';
  if (waits.samples === 0) {
    return ` PostgreSQL wait events: not sampled (${oneLine(waits.error ?? 'no sample answered')}).`;
  }
  const every = `${num(waits.samples)} samples every ${num(waits.intervalMs)} ms`;
  const events = waits.events.filter((e) => e.meanBackends > 0);
  if (events.length === 0) return ` No PostgreSQL client backend was active in any of ${every}.`;
  const state = (event: string) => (event === 'CPU' ? 'running on CPU' : `waiting on ${event}`);
  const [first, second] = events;
  let text =
    ` PostgreSQL's active client backends were ${state(first.event)} in ` +
    `${percent(first.sampleShare)} of ${every} (mean ${num(first.meanBackends, 1)})`;
  if (second) {
    const how =
      first.event !== 'CPU' && second.event !== 'CPU' ? `on ${second.event}` : state(second.event);
    text += ` and ${how} in ${percent(second.sampleShare)} (mean ${num(second.meanBackends, 1)})`;
  }
  const active = events.reduce((sum, e) => sum + e.meanBackends, 0);
  const flushing = events
    .filter((e) => WAL_FLUSH_WAITS.has(e.event))
    .reduce((sum, e) => sum + e.meanBackends, 0);
  if (WAL_FLUSH_WAITS.has(first.event) && flushing >= active / 2) {
    text +=
      `: ${num(flushing, 1)} of the ${num(active, 1)} active on average waited for the WAL to ` +
      'be written and flushed, so commits queue on the WAL flush';
  }
  return `${text}.`;
}

/** One line per missed target: by how much, and what the measurements say about why. */
export function missExplanations(
  checks: readonly TargetCheck[],
  rows: readonly Row[],
  profile: ProfileSummary | undefined,
): string[] {
  const lines: string[] = [];
  const fan = findRow(rows, 'nestling', 'fanout');
  const fanWs = findRow(rows, 'ws', 'fanout');
  const areas = profile?.areas
    .slice(0, 5)
    .map((a) => `${a.area} ${num(a.percent, 0)}%`)
    .join(', ');
  for (const check of checks.filter((c) => c.status === 'miss')) {
    let why = '';
    if ((check.id === 'cpu' || check.id === 'p99') && fan && fanWs) {
      why =
        ` Kernel time per delivery: Nestling ${num(fan.systemCpuUsPerDelivery, 2)} µs, plain ws ` +
        `${num(fanWs.systemCpuUsPerDelivery, 2)} µs; user time: ${num(diff(fan.cpuUsPerDelivery, fan.systemCpuUsPerDelivery), 2)} ` +
        `vs ${num(diff(fanWs.cpuUsPerDelivery, fanWs.systemCpuUsPerDelivery), 2)} µs.` +
        (areas ? ` The fan-out profile's busy time: ${areas} (see [Profile](#profile)).` : '');
    } else if (check.id === 'idle-kb' || check.id === 'idle-kb-nopresence') {
      const variant = check.id === 'idle-kb' ? undefined : 'no-presence';
      const idle = findRow(rows, 'nestling', 'idle', { variant });
      why =
        idle?.kbPerIdleSocketAfterGc !== undefined
          ? ` After a full GC it is ${num(idle.kbPerIdleSocketAfterGc, 1)} KB: the difference is garbage V8 has not returned to the system. See the notes under the idle table.`
          : ' See the notes under the idle table.';
    } else if (check.id === 'storm-seconds' || check.id === 'storm-vs-ws') {
      const storm = findRuns(rows, 'nestling', 'storm').find(
        (r) => r.sockets === (findRuns(rows, 'ws', 'storm')[0]?.sockets ?? r.sockets),
      );
      if (storm) {
        why =
          ` Nestling's server used ${num(storm.stormCpuS, 2)} s of CPU over the storm` +
          (storm.storm
            ? `; each socket took ${num(storm.storm.perSocketMs.p50 ?? undefined, 0)} ms at the median and ${num(storm.storm.perSocketMs.p99 ?? undefined, 0)} ms at p99`
            : '') +
          `; the generator used ${num(storm.generatorCpuPercent, 0)}% of its core.`;
      }
    } else if (check.id === 'chatprobe-rate') {
      const probe = findRow(rows, 'nestling', 'chatprobe');
      const failed = probe?.probe?.find((s) => !s.passed);
      if (failed) {
        why =
          ` At ${num(failed.rate)} msgs/s Nestling used ${num(failed.cpu?.serverCpuPercent, 0)}% of its core, PostgreSQL ` +
          `${num(failed.cpu?.dbCpuPercent, 0)}%, the generator ${num(failed.result.generatorCpuPercent, 0)}%.` +
          commitTimesSentence(probe?.commitTimes).replace(
            ' in the window',
            ' over the whole probe',
          );
      }
    } else if (check.id === 'chat-p99') {
      const chat = findRow(rows, 'nestling', 'chat');
      why = chat && unclean([chat]) ? ` Not clean: ${unclean([chat])}.` : '';
      if (chat) {
        why +=
          ` Per delivery Nestling used ${num(chat.cpuUsPerDelivery, 1)} µs of CPU (${num(chat.serverCpuPercent, 0)}% ` +
          `of its core) and PostgreSQL ${num(chat.dbCpuUsPerDelivery, 1)} µs; p50 was ${num(chat.p50, 1)} ms.` +
          pgWaitsSentence(chat.pgWaits) +
          commitTimesSentence(chat.commitTimes);
      }
    } else if (check.id === 'crossnode-cpu' || check.id === 'crossnode-p99') {
      const cross = findRow(rows, 'nestling', 'crossnode');
      if (fan && cross) why = crossNodeCause(check.id, fan, cross);
    } else if (check.id === 'poisoned-drop') {
      const poisoned = findRow(rows, 'nestling', 'poisoned');
      if (poisoned) why = poisonedCause(poisoned);
    } else if (check.id === 'saturation-p50' || check.id === 'saturation-rate') {
      const sat = findRow(rows, 'nestling', 'saturation');
      if (sat)
        why = ` Nestling used ${num(sat.serverCpuPercent, 0)}% of its core; the generator ${num(sat.generatorCpuPercent, 0)}% of its.`;
    }
    lines.push(`${check.description}: ${check.measured}, ${check.margin}.${why}`);
  }
  return lines;
}

const diff = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a - b;

export function renderReport(input: ReportInput): string {
  const { machine, rows } = input;
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Generated by \`npm run bench\` (\`bench/run.ts\`) on ${machine.date}${input.mode === 'quick' ? ' — **quick smoke run, not the real workloads**' : ''}. ` +
      'Do not edit by hand: the next run overwrites this file. Raw results: ' +
      `\`${input.rawFile}\` (git-ignored).`,
    '',
  );
  out.push('## Machine', '');
  out.push(`- \`uname -a\`: \`${machine.uname}\``);
  out.push(`- CPUs (\`nproc\`): ${machine.nproc}; model: ${machine.cpuModel}`);
  out.push(`- Node.js ${machine.node}`);
  out.push(
    machine.pinned
      ? `- Pinning: \`taskset\`: each server on CPU 0, the load generator on CPU 1; ${dbPlacement(machine.dbCpus)}.`
      : '- Pinning: **none** (`taskset` missing or fewer than 2 CPUs): server and generator share the CPUs, figures are noisier.',
  );
  out.push(`- Whole run: ${num(input.totalSeconds)} s`, '');

  out.push('## How it is measured', '');
  const flagWords = serverV8Flags()
    .map((flag) => `${flag} `)
    .join('');
  out.push(
    'Each phase starts a fresh server process, every one compiled and run by node alone ' +
      `(Nestling: \`node ${flagWords}dist/src/main.js\`, as \`npm run start:prod\` runs it; the ` +
      `peers: \`node ${flagWords}dist/bench/peers/<peer>.js\`, with the same V8 flags, compiled ` +
      'from `bench/peers/` by `tsconfig.bench.json` before the run, so no TypeScript loader adds ' +
      'to their memory; the PID measured is the node process itself), then the ' +
      'load generator (`bench/generator/main.ts`). Server CPU is utime + stime from ' +
      '`/proc/<pid>/stat`, read when the generator reports `ready` (all sockets connected and ' +
      'joined) and again when it prints its result (sends plus a grace period for stragglers); ' +
      '"CPU µs/delivery" divides that by the deliveries the generator counted ("sys" is the ' +
      'kernel part). Peak RSS is `VmRSS` sampled every 100 ms. Latency is from the send time stamped in the ' +
      'message to its receipt by each receiver. Nestling runs with `LOG_LEVEL=warn`, ' +
      '`BCRYPT_COST=4`, and `RALLY_RATE_LIMIT` / `AUTH_RATE_LIMIT` raised to their maxima ' +
      '(100,000 and 1,000,000 per window) so that rate limiting does not throttle the load. ' +
      'Nestling is never run under `--cpu-prof` while measured: the profile comes from a ' +
      'separate, shorter fan-out run. The fan-outs of plain ws and Nestling run three times ' +
      "(socket.io and uWebSockets.js once); the tables show the mean and the runs' spread " +
      '(min–max). The fan-out CPU target counts as met only beyond the spread: the worst ' +
      "pairing, Nestling's highest CPU per delivery over plain ws's lowest, must be within " +
      'the limit (the ratio of the means is shown beside it); the p99 and cross-node targets ' +
      'use the means. Fairness: a target fails when any message of the runs it is computed from ' +
      'is lost, rejected or left unanswered (or, for the storm and idle targets, any socket fails ' +
      "to join or drops; for the saturation probe, Nestling's run: socket.io's delivered/s " +
      "counts only what arrived), whatever its figure, and the target's row says so; latency columns " +
      'give the number of samples (n) their percentiles cover. Every ratio of the targets comes ' +
      'from this one run. uWebSockets.js (npm `uwebsockets`) is shown as a fourth server, the ' +
      'ceiling for a Node server here; it is never a target.',
    '',
    idleMethod(input.phases),
    '',
    ...unavailableNotes(input.unavailable).flatMap((n) => [n, '']),
  );

  out.push('## Targets', '');
  out.push(targetTable(input.checks), '');
  const explanations = missExplanations(input.checks, rows, input.profile?.summary);
  if (explanations.length > 0) {
    out.push('Where a target is missed:', '', ...explanations.map((e) => `- ${e}`), '');
  }
  const notes = caveats(rows);
  if (notes.length > 0) out.push('Caveats:', '', ...notes.map((n) => `- ${n}`), '');

  for (const workload of WORKLOADS) {
    const list = rows.filter((r) => r.workload === workload && r.ok && !r.id.includes('-profile'));
    if (list.length === 0) continue;
    out.push(`## ${workloadHeading(workload, list[0])}`, '');
    if (workload === 'storm') {
      out.push(...stormSection(list), '');
      continue;
    }
    if (workload === 'chatprobe') {
      out.push(...chatProbeSection(list[0]), '');
      continue;
    }
    if (workload === 'poisoned') {
      out.push(...poisonedSection(list[0]), '');
      continue;
    }
    if (workload === 'crossnode') {
      const cross = { runs: list, mean: list.length > 1 ? meanRow(list) : undefined };
      const single = findRow(rows, 'nestling', 'fanout');
      out.push(...crossNodeSection(single, cross, input.checks, machine), '');
      continue;
    }
    const means = (['ws', 'socketio', 'uws', 'nestling'] as const).flatMap((t) => {
      const runs = list.filter((r) => r.target === t);
      return runs.length > 1 ? [meanRow(runs)] : [];
    });
    out.push(
      workload === 'idle'
        ? idleTable(list)
        : deliveryTable([...list, ...means], workload === 'chat'),
      '',
    );
    if (workload === 'idle') out.push(...idleNotes(rows), '');
    if (workload === 'chat') {
      out.push(
        "Latency: from the `send_message` push to each member's `new_message` (the sender " +
          'included); every message is committed to PostgreSQL (synchronous commit, the ' +
          'default) before it is broadcast, over the default pool of 10 connections. Set-up ' +
          `(registrations, conversations, joins) runs ${CHAT_SETUP_CONCURRENCY} at a time and ` +
          `ends with ${CHAT_WARMUP_MS / 1000} s of unmeasured sends at the full rate ` +
          "(`CHAT_WARMUP_MS` in `bench/orchestrator/types.ts`), so that the path's first runs " +
          '(JIT, each pool connection preparing its statement) are not what is measured.',
        '',
      );
      const waits = list.find((r) => r.pgWaits)?.pgWaits;
      if (waits) out.push(...pgWaitsSection(waits), '');
      const commits = commitTimesSentence(list.find((r) => r.commitTimes)?.commitTimes).trim();
      if (commits) out.push(commits, '');
    }
  }
  if (!rows.some((r) => r.workload === 'idle' && r.ok) && rows.some((r) => r.workload === 'idle')) {
    out.push(
      '## Idle joined sockets',
      '',
      'No idle run succeeded (see Failed phases).',
      '',
      ...idleNotes(rows),
      '',
    );
  }

  const ratioList = ratios(rows);
  if (ratioList.length > 0) {
    out.push('## Nestling ÷ peers', '');
    out.push(
      'Below 1 is better for CPU, p99, storm seconds, KB and RSS; above 1 is better for ' +
        "delivered/s. The storm compares at the peers' socket count (its peak RSS: over the " +
        "storm); the idle rows compare each of Nestling's two runs.",
      '',
    );
    out.push(ratioTable(ratioList), '');
    out.push(...unavailableNotes(input.unavailable).flatMap((n) => [n, '']));
  }

  out.push('## Profile', '');
  if (input.profile) out.push(profileSection(input.profile.summary, input.profile.caption), '');
  else out.push(input.profileNote ?? 'No profile was taken in this run.', '');

  const failed = input.phases.filter((p) => !p.ok);
  if (failed.length > 0) {
    out.push('## Failed phases', '');
    for (const p of failed) out.push(`- \`${p.spec.id}\`: ${oneLine(p.error ?? 'failed')}`);
    out.push('');
  }

  out.push('## Phase timings', '');
  out.push(
    '"Other load": CPU used during the measured window by processes other than the server, its ' +
      'database and the generator (the cross-node fan-out: and node A and Redis; softirq ' +
      'excluded), in % of one core; high values mean a noisy machine.',
    '',
  );
  out.push(
    table(
      [
        'phase',
        'server start s',
        'setup s',
        'server CPU in setup %',
        'measured s',
        'other load %',
        'total s',
        'result',
      ],
      input.phases.map((p) => [
        `\`${p.spec.id}\``,
        num(sec(p.timings.serverStartMs), 1),
        num(sec(p.timings.setupMs), 1),
        num(toRow(p).setupCpuPercent, 0),
        num(sec(p.timings.runMs), 1),
        num(toRow(p).otherCpuPercent, 0),
        num(sec(p.timings.totalMs), 1),
        p.ok ? 'ok' : 'failed',
      ]),
    ),
    '',
  );
  return out.join('\n');
}

const sec = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
}
