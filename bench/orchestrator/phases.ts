import fs from 'node:fs';
import path from 'node:path';
import { type Companion, startCrossNode } from './cross-node.js';
import { collectGarbage } from './inspector.js';
import {
  commitTimes,
  type Histogram,
  histogramDelta,
  scrapeCommitHistogram,
} from './commit-times.js';
import { notSampled, startWaitSampler, type WaitSampler, type WaitSummary } from './pg-waits.js';
import {
  embeddedPostgres,
  type ManagedProcess,
  repinDescendants,
  type RunningServer,
  sleep,
  startGenerator,
  startNestling,
  startPeer,
} from './processes.js';
import {
  readCpu,
  readCpuUs,
  readDescendantsCpuUs,
  readMemory,
  readSystemCpu,
  RssSampler,
  settledRssKb,
} from './proc-stats.js';
import {
  CHAT_SETUP_CONCURRENCY,
  CHAT_WARMUP_MS,
  type CompanionMeasure,
  type GeneratorResult,
  CHAT_PROBE,
  IDLE_RSS,
  type PhaseOutcome,
  type PhaseSpec,
  POISON_RATE_SHARE,
  type ServerMeasure,
  STORM,
  type Target,
  type WindowCpu,
  type Workload,
} from './types.js';

interface Size {
  sockets: number;
  rate: number;
  durationMs: number;
  readyTimeoutMs: number;
  settleMs: number;
}

/** Full run: the issue's workloads. Quick run: a smoke test of the machinery in seconds. */
export const SIZES: Record<'full' | 'quick', Record<Workload | 'profile', Size>> = {
  full: {
    fanout: { sockets: 1000, rate: 50, durationMs: 15_000, readyTimeoutMs: 90_000, settleMs: 0 },
    // The fan-out's subscribers, rate and size, with the publisher on another node.
    crossnode: {
      sockets: 1000,
      rate: 50,
      durationMs: 15_000,
      readyTimeoutMs: 90_000,
      settleMs: 0,
    },
    saturation: {
      sockets: 1000,
      rate: 200,
      durationMs: 10_000,
      readyTimeoutMs: 90_000,
      settleMs: 0,
    },
    // Each phase's sockets come from STORM; readyTimeoutMs is stormTimeoutMs's.
    storm: { sockets: 5000, rate: 0, durationMs: 0, readyTimeoutMs: 0, settleMs: 0 },
    // Settled RSS is read 10 s after the last join (and 10 s after the players, for the baseline).
    idle: { sockets: 5000, rate: 0, durationMs: 0, readyTimeoutMs: 150_000, settleMs: 10_000 },
    chat: { sockets: 1000, rate: 1000, durationMs: 15_000, readyTimeoutMs: 120_000, settleMs: 0 },
    // The chat's members; the rates and step length are CHAT_PROBE's.
    chatprobe: {
      sockets: 1000,
      rate: CHAT_PROBE.full.steps[0],
      durationMs: CHAT_PROBE.full.stepMs,
      readyTimeoutMs: 120_000,
      settleMs: 0,
    },
    // The chat's senders and rate; durationMs is each of its two windows.
    poisoned: {
      sockets: 1000,
      rate: 1000,
      durationMs: 10_000,
      readyTimeoutMs: 120_000,
      settleMs: 0,
    },
    profile: { sockets: 1000, rate: 50, durationMs: 6000, readyTimeoutMs: 90_000, settleMs: 0 },
  },
  quick: {
    fanout: { sockets: 200, rate: 50, durationMs: 3000, readyTimeoutMs: 30_000, settleMs: 0 },
    crossnode: { sockets: 200, rate: 50, durationMs: 3000, readyTimeoutMs: 30_000, settleMs: 0 },
    saturation: { sockets: 200, rate: 200, durationMs: 3000, readyTimeoutMs: 30_000, settleMs: 0 },
    storm: { sockets: 500, rate: 0, durationMs: 0, readyTimeoutMs: 0, settleMs: 0 },
    idle: { sockets: 500, rate: 0, durationMs: 0, readyTimeoutMs: 30_000, settleMs: 1000 },
    chat: { sockets: 50, rate: 100, durationMs: 3000, readyTimeoutMs: 30_000, settleMs: 0 },
    chatprobe: {
      sockets: 50,
      rate: CHAT_PROBE.quick.steps[0],
      durationMs: CHAT_PROBE.quick.stepMs,
      readyTimeoutMs: 30_000,
      settleMs: 0,
    },
    poisoned: { sockets: 50, rate: 100, durationMs: 3000, readyTimeoutMs: 30_000, settleMs: 0 },
    profile: { sockets: 200, rate: 50, durationMs: 2000, readyTimeoutMs: 30_000, settleMs: 0 },
  },
};

const { settled: SETTLED_SAMPLES, afterGc: AFTER_GC } = IDLE_RSS;
/** What a forced full GC is guessed to take, for estimateMs (~0.3 s at 2,000 Nestling sockets). */
const GC_GUESS_MS = 500;

/**
 * bench/run.ts's default wall-time budget, s. A full run is planned at about 15 minutes: the
 * fan-outs (three runs each of plain ws and Nestling, one of socket.io and uWebSockets.js, the
 * profile) about 4, the cross-node fan-outs and the saturation probes about 2, the chat, chat
 * probe and poisoned chat about 3, the join storms (the peers' 5,000 sockets, Nestling's curve
 * up to 10,000 and the creation of its 10,000 players) 2 to 6 depending on how fast Nestling
 * joins, the idle phases (three peers and Nestling twice, each with two 10 s settling pauses)
 * about 5. The budget leaves room for a slow storm; Nestling's idle phase with presence is cut
 * (scaleIdleToBudget) when time runs out.
 */
export const DEFAULT_BUDGET_S = { full: 1200, quick: 420 } as const;

/**
 * Idle last: joining thousands of sockets is the slowest setup, and it gets what time is left;
 * the storm before it creates the players both reuse.
 */
export const PHASE_ORDER: readonly Workload[] = [
  'fanout',
  'crossnode',
  'saturation',
  'chat',
  'chatprobe',
  'poisoned',
  'storm',
  'idle',
];

/** Chat workloads: Nestling's only, with registered users in conversations. */
const isChat = (workload: Workload) =>
  workload === 'chat' || workload === 'poisoned' || workload === 'chatprobe';

/** Workloads that only Nestling runs: the chat's, and the fan-out across two of its nodes. */
const nestlingOnly = (workload: Workload) => isChat(workload) || workload === 'crossnode';

/** Workloads whose Nestling sockets authenticate as the players of the run's players file. */
export const usesPlayersFile = (spec: Pick<PhaseSpec, 'target' | 'workload'>) =>
  spec.target === 'nestling' && (spec.workload === 'storm' || spec.workload === 'idle');

/**
 * How long a storm of `sockets` may take once `go` is said: 30 s plus 20 ms a socket (so 130 s
 * for 5,000, 26 times the target), ms.
 */
export const stormTimeoutMs = (sockets: number) => 30_000 + 20 * sockets;

/** The generator's workload: saturation and the cross-node fan-out are fan-outs. */
const GENERATOR_WORKLOAD: Record<Workload, PhaseSpec['generatorWorkload']> = {
  fanout: 'fanout',
  crossnode: 'fanout',
  saturation: 'fanout',
  storm: 'storm',
  idle: 'idle',
  chat: 'chat',
  chatprobe: 'chatprobe',
  poisoned: 'poisoned',
};

export interface PlanOptions {
  quick: boolean;
  /**
   * Fan-out runs of ws and Nestling (the CPU target compares their spread, the p99 target their
   * means); default 3 in a full run, else 1. socket.io and uWebSockets.js run once.
   */
  fanoutRuns?: number;
  /** Cross-node fan-out runs (the cross-node targets use their mean); default 2 full, else 1. */
  crossnodeRuns?: number;
  /** Storm: the share of Nestling's sockets asking for presence (default STORM.presenceShare). */
  presenceShare?: number;
  targets: readonly Target[];
  workloads: readonly Workload[];
  /** Add the profiled Nestling fan-out (default: when Nestling and fanout are selected). */
  profile: boolean;
}

/**
 * Workload by workload, each against every selected target in turn (peers first), so targets
 * are compared under the same conditions; chat, poisoned chat and the cross-node fan-out are
 * Nestling's alone. The profiled fan-out follows the measured one; the cross-node fan-out
 * follows the single-node fan-outs it is compared with.
 */
export function planPhases(options: PlanOptions): PhaseSpec[] {
  const mode = options.quick ? 'quick' : 'full';
  const sizes = SIZES[mode];
  const order: Target[] = (['ws', 'socketio', 'uws', 'nestling'] as const).filter((t) =>
    options.targets.includes(t),
  );
  const phases: PhaseSpec[] = [];
  const add = (
    target: Target,
    workload: Workload,
    size: Size,
    more: Partial<PhaseSpec> & { label?: string } = {},
  ) => {
    const { label = '', run = 1, profile = false, ...rest } = more;
    phases.push({
      id: `${target}/${workload}${label}${profile ? '-profile' : ''}${run > 1 ? `#${run}` : ''}`,
      target,
      workload,
      run,
      generatorWorkload: GENERATOR_WORKLOAD[workload],
      sockets: size.sockets,
      rate: size.rate,
      durationMs: size.durationMs,
      payloadBytes: 100,
      profile,
      readyTimeoutMs: size.readyTimeoutMs,
      settleMs: size.settleMs,
      ...(isChat(workload) ? { extraArgs: chatArgs(workload, size, options.quick) } : {}),
      ...(workload === 'chatprobe' ? { steps: [...CHAT_PROBE[mode].steps] } : {}),
      ...rest,
    });
  };
  const share = options.presenceShare ?? STORM.presenceShare;
  const storm = (target: Target, sockets: number) =>
    add(
      target,
      'storm',
      { ...sizes.storm, sockets, readyTimeoutMs: stormTimeoutMs(sockets) },
      {
        label: `@${sockets}`,
        ...(target === 'nestling' ? { presenceShare: share } : {}),
        extraArgs: [
        '--batch-size', String(STORM.window),
        ...(target === 'nestling' ? ['--presence-share', String(share)] : []),
      ], // prettier-ignore
      },
    );
  for (const workload of PHASE_ORDER.filter((w) => options.workloads.includes(w))) {
    for (const target of order) {
      if (nestlingOnly(workload) && target !== 'nestling') continue;
      if (workload === 'storm') {
        if (target !== 'nestling') storm(target, STORM[mode].peers);
        else for (const sockets of STORM[mode].curve) storm(target, sockets);
        continue;
      }
      if (workload === 'idle' && target === 'nestling') {
        // Every socket asking for presence, then none: the two memory targets.
        add(target, workload, sizes.idle, {
          presenceShare: 1,
          extraArgs: ['--presence-share', '1'],
        });
        add(target, workload, sizes.idle, {
          label: '-nopresence',
          variant: 'no-presence',
          presenceShare: 0,
          extraArgs: ['--presence-share', '0'],
        });
        continue;
      }
      add(target, workload, sizes[workload]);
      if (workload === 'fanout' && target === 'nestling' && options.profile) {
        add(target, workload, sizes.profile, { profile: true });
      }
    }
    if (workload !== 'fanout' && workload !== 'crossnode') continue;
    const runs =
      workload === 'fanout'
        ? (options.fanoutRuns ?? (options.quick ? 1 : 3))
        : (options.crossnodeRuns ?? (options.quick ? 1 : 2));
    for (let run = 2; run <= runs; run++) {
      // Again, after the others: the CPU target compares these runs' spread.
      for (const target of order) {
        if (target !== 'ws' && target !== 'nestling') continue;
        if (workload === 'crossnode' && target !== 'nestling') continue;
        add(target, workload, sizes[workload], { run });
      }
    }
  }
  return phases;
}

/** The generator flags of a chat workload: set-up concurrency, warm-up, the poisoner's rate. */
function chatArgs(workload: Workload, size: Size, quick: boolean): string[] {
  const args = [
    '--batch-size', String(CHAT_SETUP_CONCURRENCY),
    '--warmup-ms', String(quick ? 0 : CHAT_WARMUP_MS),
  ]; // prettier-ignore
  if (workload === 'chatprobe') {
    const { steps, stepMs } = CHAT_PROBE[quick ? 'quick' : 'full'];
    return [
      ...args,
      '--steps', steps.join(','),
      '--step-ms', String(stepMs),
      '--max-p99-ms', String(CHAT_PROBE.maxP99Ms),
    ]; // prettier-ignore
  }
  if (workload !== 'poisoned') return args;
  return [...args, '--poison-rate', String(Math.round(size.rate * POISON_RATE_SHARE))];
}

/**
 * Measured windows of a phase: the poisoned chat's generator runs two of `durationMs`, the chat
 * probe at most one per step (each followed by up to the generator's 2 s grace).
 */
const windowsOf = (spec: PhaseSpec) =>
  spec.workload === 'poisoned' ? 2 : spec.workload === 'chatprobe' ? (spec.steps?.length ?? 1) : 1;

/** The generator's grace after each window (its default `--grace-ms`). */
const GRACE_MS = 2000;

/** A rough wall-time guess for a phase (start, setup, run, idle measuring, grace, stop), ms. */
export function estimateMs(spec: PhaseSpec): number {
  const starts = spec.target !== 'nestling' ? 1000 : spec.workload === 'crossnode' ? 6500 : 3000;
  return (
    starts +
    setupGuessMs(spec) +
    (spec.durationMs + (spec.workload === 'chatprobe' ? GRACE_MS : 0)) * windowsOf(spec) +
    (spec.generatorWorkload === 'idle' ? idleMeasureMs(spec) : spec.settleMs) +
    5000
  );
}

/**
 * Nestling's set-up for `sockets` sockets of the fan-out or idle workload, ms: the generator
 * starting (1.5 s), one stamp-rally player created over HTTP per socket (4 ms each), then the
 * joins, which grow with the square of the socket count because every socket must learn of every
 * other on `notifications` (2.3 s × (sockets / 1,000)²). Fitted, rounded up, to set-ups measured
 * with presence batching (PRESENCE_BATCH_MS = 50) on a 2-CPU machine, pinned as in the bench:
 * 1,000 sockets ≈ 7 s, 2,000 ≈ 14 s, 5,000 ≈ 63-75 s (11-20 s of players, 51-56 s of joins).
 */
export function nestlingSetupMs(sockets: number): number {
  return 1500 + 4 * sockets + 2300 * (sockets / 1000) ** 2;
}

function setupGuessMs(spec: PhaseSpec): number {
  if (isChat(spec.workload)) return spec.sockets * 15;
  if (spec.target !== 'nestling') return spec.sockets * 1;
  // The storm: its joins as nestlingSetupMs predicts them (every socket tracked in presence),
  // without the players (created once, by the first).
  if (spec.workload === 'storm') return nestlingSetupMs(spec.sockets) - 4 * spec.sockets;
  // Nestling's idle phase shrinks to the time left (scaleIdleToBudget): count its minimum.
  return nestlingSetupMs(spec.workload === 'idle' ? IDLE_MIN_SOCKETS : spec.sockets);
}

/** Idle: the two pauses for settled and after-GC RSS (after `prepared` and after `ready`), ms. */
function idleMeasureMs(spec: PhaseSpec): number {
  const settledMs = (SETTLED_SAMPLES.count - 1) * SETTLED_SAMPLES.gapMs;
  const afterGcMs = GC_GUESS_MS + AFTER_GC.pauseMs + (AFTER_GC.count - 1) * AFTER_GC.gapMs;
  return 2 * (spec.settleMs + settledMs + afterGcMs);
}

/**
 * The spec with its setup timeout cut so that the phase and the ones after it (`laterMs`) fit in
 * `availableMs`; never below 20 s or three times the expected set-up, never above the spec's.
 */
export function fitToBudget(spec: PhaseSpec, availableMs: number, laterMs: number): PhaseSpec {
  const ownMs = estimateMs(spec) - setupGuessMs(spec);
  const readyTimeoutMs = Math.round(
    Math.min(
      spec.readyTimeoutMs,
      Math.max(20_000, 3 * setupGuessMs(spec), availableMs - laterMs - ownMs),
    ),
  );
  return readyTimeoutMs === spec.readyTimeoutMs ? spec : { ...spec, readyTimeoutMs };
}

/** The fewest sockets Nestling's idle phase is cut to, and the step it is cut by. */
const IDLE_MIN_SOCKETS = 1000;
const IDLE_STEP = 500;
/** How much longer than predicted the idle set-up may take and still fit. */
const IDLE_SAFETY = 1.1;

/**
 * Nestling's idle phase with as many sockets (of the planned 5,000, in steps of 500, at least
 * 1,000) as its set-up is predicted to finish within `availableMs`. The prediction is
 * nestlingSetupMs (players, then joins growing quadratically) scaled by how an earlier Nestling
 * set-up on this machine (`reference`: the fan-out's sockets and set-up time, the same players and
 * joins) compared with it, times 1.1 for safety. When it fits, the spec is returned unchanged.
 */
export function scaleIdleToBudget(
  spec: PhaseSpec,
  reference: { sockets: number; setupMs: number } | undefined,
  availableMs: number,
): PhaseSpec {
  if (spec.target !== 'nestling' || spec.workload !== 'idle' || !reference) return spec;
  // Without presence the joins grow linearly: the quadratic prediction does not apply.
  if (spec.variant === 'no-presence') return spec;
  if (reference.sockets <= 0 || reference.setupMs <= 0) return spec;
  const ownMs = estimateMs(spec) - setupGuessMs(spec);
  const setupBudgetMs = Math.max(0, availableMs - ownMs);
  // A slower machine scales the prediction up; a faster one down, but not below half.
  const speed = Math.max(0.5, reference.setupMs / nestlingSetupMs(reference.sockets));
  const predictMs = (n: number) => IDLE_SAFETY * speed * nestlingSetupMs(n);
  if (predictMs(spec.sockets) <= setupBudgetMs) return spec;
  let sockets = Math.floor((spec.sockets - 1) / IDLE_STEP) * IDLE_STEP;
  while (sockets > IDLE_MIN_SOCKETS && predictMs(sockets) > setupBudgetMs) sockets -= IDLE_STEP;
  sockets = Math.min(spec.sockets, Math.max(IDLE_MIN_SOCKETS, sockets));
  if (sockets === spec.sockets) return spec;
  return {
    ...spec,
    sockets,
    plannedSockets: spec.sockets,
    readyTimeoutMs: Math.round(setupBudgetMs),
  };
}

/** Whether the generator says `prepared` and waits for `go` (idle, storm). */
export const awaitsGo = (spec: PhaseSpec) =>
  spec.generatorWorkload === 'idle' || spec.generatorWorkload === 'storm';

/** The generator's flags; `publisherUrl`: the cross-node fan-out's node A. */
export function generatorArgs(spec: PhaseSpec, url: string, publisherUrl?: string): string[] {
  return [
    '--target', spec.target,
    '--workload', spec.generatorWorkload,
    '--url', url,
    ...(publisherUrl === undefined ? [] : ['--publisher-url', publisherUrl]),
    '--sockets', String(spec.sockets),
    '--rate', String(spec.rate),
    '--duration-ms', String(spec.durationMs),
    '--payload-bytes', String(spec.payloadBytes),
    // Idle and storm: say `prepared` and wait for `go`, so the baseline is read (and the storm
    // timed) after the players exist.
    ...(awaitsGo(spec) ? ['--await-go', '1'] : []),
    ...(spec.extraArgs ?? []),
  ]; // prettier-ignore
}

export interface PhaseContext {
  /** Pin the server to CPU 0 and the generator to CPU 1. */
  pin: boolean;
  /** Nestling's DATA_DIR (one embedded cluster per bench run, shared by its Nestling phases). */
  dataDir: string;
  profileDir: string;
  log: (message: string) => void;
  /**
   * Where Nestling's embedded PostgreSQL runs when pinning: with the server on CPU 0 ("0", which
   * is where it starts: taskset's affinity is inherited), with the generator ("1") or on both.
   */
  dbCpus?: string;
  /**
   * Nestling on this PostgreSQL instead of an embedded one (the orchestrator's own tests: the
   * test run's database, never the machine's).
   */
  databaseUrl?: string;
  /** Other scripts in place of the real generator and peers (the orchestrator's own tests). */
  scripts?: { generator?: string; ws?: string; socketio?: string; uws?: string };
  /**
   * Nestling's storm and idle phases: the players file of this bench run (stamp-rally player
   * ids, created by the first phase that needs them, reused by the others: one database) and how
   * many players it should hold (the most any phase of the run needs).
   */
  players?: { file: string; count: number };
  /** In place of inspector.ts's collectGarbage (the orchestrator's own tests). */
  collectGarbage?: (inspectPort: number) => Promise<void>;
}

/** The measured server, and in the cross-node fan-out the rest of its cluster. */
interface StartedServer {
  server: RunningServer;
  companions: Companion[];
  /** Cross-node: where the generator's publisher connects (node A). */
  publisherUrl?: string;
}

/** Idle phases run the server under `--inspect` (for the forced GC); the others never do. */
async function startServer(
  spec: PhaseSpec,
  ctx: PhaseContext,
  profileFile: string | undefined,
): Promise<StartedServer> {
  const cpu = ctx.pin ? 0 : undefined;
  const inspect = spec.generatorWorkload === 'idle';
  const alone = (server: RunningServer): StartedServer => ({ server, companions: [] });
  if (spec.target !== 'nestling') {
    return alone(
      await startPeer(spec.target, { cpu, script: ctx.scripts?.[spec.target], inspect }),
    );
  }
  if (spec.workload === 'crossnode') {
    const { dataDir, pin, dbCpus, databaseUrl } = ctx;
    const cluster = await startCrossNode({ dataDir, pin, dbCpus, databaseUrl });
    const { receiver, publisher, companions } = cluster;
    return { server: receiver, companions, publisherUrl: publisher.url };
  }
  const common = { dataDir: ctx.dataDir, databaseUrl: ctx.databaseUrl, cpu, inspect };
  if (!profileFile) return alone(await startNestling(common));
  fs.mkdirSync(path.dirname(profileFile), { recursive: true });
  const profile = { dir: path.dirname(profileFile), name: path.basename(profileFile) };
  return alone(await startNestling({ ...common, profile }));
}

/**
 * The server's RSS right after a full GC forced through its inspector (kB), or undefined when
 * that failed: the failure is kept in `measure.gcError` (and not retried later in the phase).
 */
async function rssAfterGc(
  server: RunningServer,
  measure: ServerMeasure,
  ctx: PhaseContext,
  id: string,
): Promise<number | undefined> {
  if (measure.gcError !== undefined) return undefined;
  try {
    if (server.inspectPort === undefined) throw new Error('the server runs without --inspect');
    const gc = ctx.collectGarbage ?? ((port) => collectGarbage(port, { rounds: AFTER_GC.rounds }));
    await gc(server.inspectPort);
  } catch (error) {
    measure.gcError = error instanceof Error ? error.message : String(error);
    ctx.log(
      `${id}: could not force a full GC, the after-GC figures are missing: ${measure.gcError}`,
    );
    return undefined;
  }
  await sleep(AFTER_GC.pauseMs);
  return settledRssKb(server.proc.pid, AFTER_GC.count, AFTER_GC.gapMs);
}

/** How often Nestling's chat phase samples its PostgreSQL's wait events, ms. */
export const PG_WAIT_INTERVAL_MS = 100;

/**
 * Starts sampling the wait events of Nestling's embedded PostgreSQL (superuser `postgres`, its
 * password in `<DATA_DIR>/postgres.password`, database `nestling`); when that cannot even start,
 * the summary saying why.
 */
/** Nestling's send-batch histogram, or undefined when /metrics does not answer (not judged). */
async function scrapeCommits(url: string): Promise<Histogram | undefined> {
  try {
    return await scrapeCommitHistogram(url);
  } catch {
    return undefined;
  }
}

function startPgWaits(
  server: RunningServer,
  ctx: PhaseContext,
): { sampler: WaitSampler } | { failed: WaitSummary } {
  try {
    if (server.pgPort === undefined) throw new Error("the embedded PostgreSQL's port is unknown");
    const { connection } = embeddedPostgres(ctx.dataDir, server.pgPort);
    return { sampler: startWaitSampler(connection, PG_WAIT_INTERVAL_MS) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failed: notSampled(message, PG_WAIT_INTERVAL_MS) };
  }
}

/** The machine's, the generator's and the database's CPU at the start of a window. */
interface OtherMarks {
  system: ReturnType<typeof readSystemCpu>;
  generatorUs: number;
  dbUs: number;
}

/**
 * CPU used since `from` by everything but the server (`serverUs` of it), its database, the
 * generator and softirq, µs (see ServerMeasure.otherCpuUs).
 */
function otherCpuSince(
  from: OtherMarks,
  pid: number,
  generatorPid: number,
  serverUs: number,
): number {
  const system = readSystemCpu();
  let generatorUs = 0;
  try {
    generatorUs = readCpuUs(generatorPid) - from.generatorUs;
  } catch {
    // Gone already: count nothing for it.
  }
  return Math.max(
    0,
    system.busyUs -
      from.system.busyUs -
      (system.softirqUs - from.system.softirqUs) -
      serverUs -
      (readDescendantsCpuUs(pid) - from.dbUs) -
      generatorUs,
  );
}

/** Server and database CPU read at one instant (performance.now()), µs. */
interface CpuMark {
  at: number;
  serverUs: number;
  dbUs: number;
}

/**
 * Poisoned chat: the server's and its database's CPU read as soon as the generator says its
 * first window is done (`{"windowDone":"honest-only"}`); undefined when it never says so.
 */
function markAtWindowDone(
  generator: ManagedProcess,
  pid: number,
  timeoutMs: number,
): Promise<CpuMark | undefined> {
  return generator
    .waitForJson((v) => v.windowDone === 'honest-only', timeoutMs, 'windowDone line')
    .then(() => ({
      at: performance.now(),
      serverUs: readCpuUs(pid),
      dbUs: readDescendantsCpuUs(pid),
    }))
    .catch(() => undefined);
}

/**
 * Chat probe: the server's and PostgreSQL's CPU over each step, from the generator's
 * `{"stepStart":i}` (the first: its `ready`) to its `{"stepDone":i}`; stops at its result or error
 * line, or when a line takes longer than `stepTimeoutMs`.
 */
async function markSteps(
  generator: ManagedProcess,
  pid: number,
  stepTimeoutMs: number,
  atReady: CpuMark,
): Promise<WindowCpu[]> {
  const windows: WindowCpu[] = [];
  const mark = (): CpuMark => ({
    at: performance.now(),
    serverUs: readCpuUs(pid),
    dbUs: readDescendantsCpuUs(pid),
  });
  const line = (index: number, key: 'stepStart' | 'stepDone') =>
    generator.waitForJson<Record<string, unknown>>(
      (v) => v[key] === index || isResult(v) || 'error' in v,
      stepTimeoutMs,
      `${key} ${index} line`,
    );
  try {
    for (let index = 0; ; index++) {
      const start = await line(index, 'stepStart');
      if (start.stepStart !== index) return windows;
      const from = index === 0 ? atReady : mark();
      const done = await line(index, 'stepDone');
      if (done.stepDone !== index) return windows;
      windows.push(between(from, mark()));
    }
  } catch {
    return windows;
  }
}

function between(from: CpuMark, to: CpuMark): WindowCpu {
  return {
    windowMs: to.at - from.at,
    serverCpuUs: to.serverUs - from.serverUs,
    dbCpuUs: to.dbUs - from.dbUs,
  };
}

function generatorError(line: Record<string, unknown>): Error {
  const message = typeof line.error === 'string' ? line.error : JSON.stringify(line.error ?? line);
  return new Error(
    `generator error: ${message.length > 400 ? `${message.slice(0, 400)}…` : message}`,
  );
}

/** The generator's `{"<flag>": true, …}` line; its `{"error": …}` line or none in time throws. */
async function flagLine(
  generator: ManagedProcess,
  flag: 'prepared' | 'ready',
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const line = await generator.waitForJson<Record<string, unknown>>(
    (v) => v[flag] === true || 'error' in v,
    timeoutMs,
    `${flag} line`,
  );
  if (line[flag] !== true) throw generatorError(line);
  return line;
}

/** Each companion's CPU now, its own and its descendants', µs. */
function companionsCpu(companions: readonly Companion[]): { own: number; descendants: number }[] {
  return companions.map(({ proc }) => ({
    own: readCpuUs(proc.pid),
    descendants: readDescendantsCpuUs(proc.pid),
  }));
}

/** What each companion used between two companionsCpu readings. */
function companionsBetween(
  companions: readonly Companion[],
  from: ReturnType<typeof companionsCpu>,
  to: ReturnType<typeof companionsCpu>,
): CompanionMeasure[] {
  return companions.map(({ role, proc }, i) => ({
    role,
    pid: proc.pid,
    cpuUs: to[i].own - from[i].own,
    descendantsCpuUs: to[i].descendants - from[i].descendants,
  }));
}

function isResult(value: Record<string, unknown>): boolean {
  return value.result !== null && typeof value.result === 'object';
}

/**
 * One phase: a fresh server, then the generator. Server CPU is read from /proc right after the
 * generator's `ready` and right after its result; RSS is sampled every 100 ms in between. The
 * cross-node fan-out's server is node B (the subscribers'); node A and Redis, its companions,
 * are read over the same window. Idle:
 * the server runs under `--inspect`; after the generator's `prepared` the baseline RSS is read
 * (settled, then after a forced full GC), then `go`; after `ready` the same two readings with
 * every socket joined, then `stop`. Every process is stopped before this returns, whatever
 * happened.
 */
export async function runPhase(spec: PhaseSpec, ctx: PhaseContext): Promise<PhaseOutcome> {
  const phaseStart = performance.now();
  const outcome: PhaseOutcome = {
    spec,
    ok: false,
    startedAt: new Date().toISOString(),
    pinned: ctx.pin,
    timings: { totalMs: 0 },
  };
  let started: StartedServer | undefined;
  let server: RunningServer | undefined;
  let generator: ManagedProcess | undefined;
  let sampler: RssSampler | undefined;
  let pgWaits: WaitSampler | undefined;
  let setup: { at: number; cpuUs: number } | undefined;
  let stormMarks: OtherMarks | undefined;
  const profileFile = spec.profile
    ? path.join(ctx.profileDir, `nestling-fanout-${Date.now()}.cpuprofile`)
    : undefined;
  try {
    started = await startServer(spec, ctx, profileFile);
    server = started.server;
    const { companions } = started;
    const pid = server.proc.pid;
    const measure: ServerMeasure = { pid };
    outcome.server = measure;
    outcome.timings.serverStartMs = Math.round(performance.now() - phaseStart);
    if (ctx.pin && ctx.dbCpus && ctx.dbCpus !== '0' && spec.target === 'nestling') {
      repinDescendants(pid, ctx.dbCpus);
    }
    const idle = spec.generatorWorkload === 'idle';
    const storm = spec.generatorWorkload === 'storm';
    if (!awaitsGo(spec)) {
      await sleep(200);
      measure.baselineRssKb = await settledRssKb(pid, 5, 100);
    }

    setup = { at: performance.now(), cpuUs: readCpuUs(pid) };
    sampler = new RssSampler(pid, 100).start();
    const playersArgs =
      ctx.players && usesPlayersFile(spec)
        ? ['--players-file', ctx.players.file, '--players', String(ctx.players.count)]
        : [];
    generator = await startGenerator(
      [...generatorArgs(spec, server.url, started.publisherUrl), ...playersArgs],
      ctx.pin ? 1 : undefined,
      ctx.scripts?.generator,
    );
    let readyTimeoutMs = spec.readyTimeoutMs;
    if (storm) {
      // Players first (created once per bench run, 4 ms each, then reused), not timed; then the
      // baseline; then `go` starts the storm, the window of its CPU and peak RSS.
      const players = ctx.players?.count ?? spec.sockets;
      outcome.prepared = await flagLine(generator, 'prepared', 60_000 + 10 * players);
      outcome.timings.prepareMs = Math.round(performance.now() - setup.at);
      measure.baselineRssKb = await settledRssKb(pid, 5, 100);
      sampler.stop();
      sampler = new RssSampler(pid, 100).start();
      setup = { at: performance.now(), cpuUs: readCpuUs(pid) };
      stormMarks = {
        system: readSystemCpu(),
        generatorUs: readCpuUs(generator.pid),
        dbUs: readDescendantsCpuUs(pid),
      };
      generator.write('go\n');
    } else if (idle) {
      // The baseline comes after the generator's `prepared` (Nestling's players created, the
      // garbage of that traffic included), before any socket: settled, then after a full GC.
      const prepared = await flagLine(generator, 'prepared', spec.readyTimeoutMs);
      outcome.prepared = prepared;
      const pausedAt = performance.now();
      outcome.timings.prepareMs = Math.round(pausedAt - setup.at);
      const cpuAtPause = readCpuUs(pid);
      await sleep(spec.settleMs);
      measure.baselineRssKb = await settledRssKb(pid, SETTLED_SAMPLES.count, SETTLED_SAMPLES.gapMs);
      measure.baselineGcRssKb = await rssAfterGc(server, measure, ctx, spec.id);
      // The set-up's time, timeout and CPU leave out this pause (and the forced GC).
      readyTimeoutMs = Math.max(1000, spec.readyTimeoutMs - (pausedAt - setup.at));
      setup.at += performance.now() - pausedAt;
      setup.cpuUs += readCpuUs(pid) - cpuAtPause;
      generator.write('go\n');
    }
    const ready = await flagLine(generator, 'ready', readyTimeoutMs);
    outcome.ready = ready;
    const readyAt = performance.now();
    outcome.timings.setupMs = Math.round(readyAt - setup.at);
    const cpuAtReady = readCpu(pid);
    measure.readyRssKb = readMemory(pid).rssKb;
    measure.setupCpuUs = cpuAtReady.userUs + cpuAtReady.systemUs - setup.cpuUs;
    setup = undefined;
    if (storm) {
      measure.stormCpuUs = measure.setupCpuUs;
      measure.stormWindowMs = outcome.timings.setupMs;
      measure.stormPeakRssKb = sampler.stop().peakKb;
      if (stormMarks)
        measure.stormOtherCpuUs = otherCpuSince(stormMarks, pid, generator.pid, measure.stormCpuUs);
    }
    const dbCpuAtReady = readDescendantsCpuUs(pid);
    const atReady: CpuMark = {
      at: readyAt,
      serverUs: cpuAtReady.userUs + cpuAtReady.systemUs,
      dbUs: dbCpuAtReady,
    };
    const atWindowDone =
      spec.workload === 'poisoned'
        ? markAtWindowDone(generator, pid, spec.durationMs + 60_000)
        : undefined;
    const steps =
      spec.workload === 'chatprobe'
        ? markSteps(generator, pid, spec.durationMs + 60_000, atReady)
        : undefined;
    const systemAtReady = readSystemCpu();
    const generatorAtReady = readCpuUs(generator.pid);
    const companionsAtReady = companionsCpu(companions);
    if (spec.target === 'nestling' && spec.workload === 'chat') {
      // What PostgreSQL's backends wait on while the messages are committed (report: chat).
      const started = startPgWaits(server, ctx);
      if ('sampler' in started) pgWaits = started.sampler;
      else outcome.pgWaits = started.failed;
    }
    const chatCommits =
      spec.target === 'nestling' && (spec.workload === 'chat' || spec.workload === 'chatprobe');
    const commitsAtReady = chatCommits ? await scrapeCommits(server.url) : undefined;

    if (idle) {
      await sleep(spec.settleMs);
      measure.idleRssKb = await settledRssKb(pid, SETTLED_SAMPLES.count, SETTLED_SAMPLES.gapMs);
      measure.idleGcRssKb = await rssAfterGc(server, measure, ctx, spec.id);
      generator.write('stop\n');
      generator.closeStdin();
    }
    const resultTimeout = (spec.durationMs + GRACE_MS) * windowsOf(spec) + 60_000;
    const line = await generator.waitForJson<{ result?: GeneratorResult; error?: unknown }>(
      (v) => isResult(v) || 'error' in v,
      resultTimeout,
      'result line',
    );
    if (!line.result) throw generatorError(line);
    const resultAt = performance.now();
    const systemAtResult = readSystemCpu();
    if (commitsAtReady !== undefined) {
      const atResult = await scrapeCommits(server.url);
      if (atResult !== undefined)
        outcome.commitTimes = commitTimes(histogramDelta(commitsAtReady, atResult));
    }
    let generatorCpuUs = line.result.generatorCpuMs * 1000;
    try {
      generatorCpuUs = readCpuUs(generator.pid) - generatorAtReady;
    } catch {
      // Already exited: keep its own figure.
    }
    const cpuAtResult = readCpu(pid);
    const companionsUs = companionsBetween(
      companions,
      companionsAtReady,
      companionsCpu(companions),
    );
    if (companions.length > 0) outcome.companions = companionsUs;
    measure.systemCpuUs = cpuAtResult.systemUs - cpuAtReady.systemUs;
    measure.cpuUs = measure.systemCpuUs + cpuAtResult.userUs - cpuAtReady.userUs;
    measure.descendantsCpuUs = readDescendantsCpuUs(pid) - dbCpuAtReady;
    measure.softirqUs = systemAtResult.softirqUs - systemAtReady.softirqUs;
    measure.otherCpuUs = Math.max(
      0,
      systemAtResult.busyUs -
        systemAtReady.busyUs -
        measure.softirqUs -
        measure.cpuUs -
        measure.descendantsCpuUs -
        generatorCpuUs -
        companionsUs.reduce((sum, c) => sum + (c.cpuUs ?? 0) + (c.descendantsCpuUs ?? 0), 0),
    );
    measure.windowMs = resultAt - readyAt;
    if (steps) outcome.stepCpu = await steps;
    const split = await atWindowDone;
    if (split) {
      const atResult: CpuMark = {
        at: resultAt,
        serverUs: cpuAtResult.userUs + cpuAtResult.systemUs,
        dbUs: dbCpuAtReady + measure.descendantsCpuUs,
      };
      outcome.windowCpu = {
        honestOnly: between(atReady, split),
        withPoison: between(split, atResult),
      };
    }
    measure.peakRssKb = sampler.stop().peakKb;
    measure.hwmKb = readMemory(pid).hwmKb;
    if (pgWaits) outcome.pgWaits = await pgWaits.stop();
    outcome.timings.runMs = Math.round(resultAt - readyAt);
    outcome.result = line.result;
    if (spec.profile) {
      outcome.profileWindowUs = {
        fromUs: (readyAt - server.spawnedAt) * 1000,
        toUs: (resultAt - server.spawnedAt) * 1000,
      };
    }
    outcome.ok = true;
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
    // A server that just died may not be reaped yet (its /proc entry a zombie's): wait a little.
    if (server && !server.proc.hasExited) await Promise.race([server.proc.exited, sleep(500)]);
    if (server?.proc.hasExited && !outcome.error.includes(server.proc.describeOutput())) {
      // The server died under the load: say so, with its last words.
      outcome.error += ` (the server had exited: ${server.proc.describeOutput()})`;
    }
    if (setup && outcome.server) {
      // Failed during setup: how long it ran and how busy the server was meanwhile.
      outcome.timings.setupMs = Math.round(performance.now() - setup.at);
      try {
        outcome.server.setupCpuUs = readCpuUs(outcome.server.pid) - setup.cpuUs;
      } catch {
        // The server is gone.
      }
    }
  } finally {
    sampler?.stop();
    // Failed after `ready`: close the sampler's connection, keep what it saw.
    if (pgWaits && !outcome.pgWaits) outcome.pgWaits = await pgWaits.stop();
    if (generator) {
      generator.closeStdin();
      await generator.stop(5000);
    }
    if (server) {
      const exit = await server.proc.stop(20_000);
      if (exit.forced) ctx.log(`${spec.id}: server did not stop on SIGTERM in 20 s; killed`);
    }
    for (const { role, proc } of started?.companions ?? []) {
      const exit = await proc.stop(20_000);
      if (exit.forced) ctx.log(`${spec.id}: ${role} did not stop on SIGTERM in 20 s; killed`);
    }
  }
  if (profileFile && server) {
    if (fs.existsSync(profileFile)) outcome.profilePath = profileFile;
    else if (outcome.ok) {
      outcome.ok = false;
      outcome.error = `the server wrote no ${profileFile}`;
    }
  }
  outcome.timings.totalMs = Math.round(performance.now() - phaseStart);
  return outcome;
}
