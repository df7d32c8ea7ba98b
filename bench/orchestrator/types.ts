import type { Result } from '../generator/result.js';
import type { CommitTimes } from './commit-times.js';
import type { WaitSummary } from './pg-waits.js';
export type Target = 'nestling' | 'ws' | 'socketio' | 'uws';
export type Workload =
  'fanout' | 'crossnode' | 'saturation' | 'storm' | 'idle' | 'chat' | 'chatprobe' | 'poisoned';

export const TARGETS: readonly Target[] = ['nestling', 'ws', 'socketio', 'uws'];
/** In the report's order: the cross-node fan-out beside the single-node one. */
export const WORKLOADS: readonly Workload[] = [
  'fanout',
  'crossnode',
  'saturation',
  'storm',
  'idle',
  'chat',
  'chatprobe',
  'poisoned',
];
/** The peers, in the order of the report's columns; uWebSockets.js is shown, never a target. */
export const PEERS: readonly Target[] = ['ws', 'socketio', 'uws'];

export const TARGET_LABEL: Record<Target, string> = {
  nestling: 'Nestling',
  ws: 'plain ws',
  socketio: 'socket.io 4',
  uws: 'uWebSockets.js',
};

/**
 * The join storm: Nestling's curve of socket counts (a fresh server each), the peers' one count
 * (the targets compare Nestling at that count), the share of Nestling's sockets asking for
 * presence, and the connects in flight (below Node's default listen backlog of 511, so that the
 * kernel drops no SYN and no socket waits out a one-second SYN retransmission).
 */
export const STORM = {
  full: { curve: [1000, 2500, 5000, 10_000], peers: 5000 },
  quick: { curve: [200, 500], peers: 500 },
  presenceShare: 0.1,
  window: 500,
  /** The targets: Nestling at `peers` sockets in at most this long, and at most this × plain ws. */
  maxSeconds: 5,
  maxTimesWs: 5,
} as const;

/**
 * Idle: Nestling runs twice, every socket asking for presence on `notifications` (the spec's
 * default) and none asking (`variant: 'no-presence'`); the settled figure is judged.
 */
export const IDLE_LIMIT_KB = { presence: 15, 'no-presence': 8 } as const;

/** The chat probe's steps (total msgs/s) and what a step must keep to pass. */
export const CHAT_PROBE = {
  full: { steps: [1000, 2000, 3000, 5000, 7000, 10_000], stepMs: 4000 },
  quick: { steps: [100, 200, 400], stepMs: 1500 },
  maxP99Ms: 50,
  /** The target: the highest passing step at least this, msgs/s. */
  minRate: 5000,
} as const;

/**
 * How an idle phase reads RSS (kB): "settled" is the minimum of `settled.count` samples
 * `settled.gapMs` apart, read `PhaseSpec.settleMs` after the generator's line; "after GC" is read
 * after a full GC forced through the V8 inspector (`HeapProfiler.collectGarbage`, `rounds` times),
 * `pauseMs` later, as the minimum of `count` samples `gapMs` apart.
 */
export const IDLE_RSS = {
  settled: { count: 6, gapMs: 200 },
  // RSS drops within ~150 ms of the forced GC and then stays put (checked at 2,000 sockets).
  afterGc: { rounds: 2, pauseMs: 500, count: 5, gapMs: 100 },
} as const;

/** One run of the load generator against one freshly started server. */
export interface PhaseSpec {
  /** `nestling/fanout`, `nestling/fanout-profile`, … */
  id: string;
  target: Target;
  workload: Workload;
  /**
   * Idle: `no-presence` for Nestling's run whose sockets do not ask for presence (the other,
   * undefined, asks for it on every socket).
   */
  variant?: 'no-presence';
  /** Nestling's idle and storm: the share of sockets whose join asks for presence. */
  presenceShare?: number;
  /** Chat probe: the total rates of its steps, msgs/s. */
  steps?: number[];
  /**
   * What the generator is asked to do (saturation is a faster fan-out; crossnode a fan-out whose
   * publisher is on another node).
   */
  generatorWorkload: 'fanout' | 'idle' | 'storm' | 'chat' | 'chatprobe' | 'poisoned';
  sockets: number;
  /** Set when the budget made the phase smaller than planned: the planned socket count. */
  plannedSockets?: number;
  /**
   * Messages per second sent in total (fan-out: broadcasts; chat: send_message; poisoned: the
   * honest senders' send_message, the poisoner's rate is in extraArgs).
   */
  rate: number;
  durationMs: number;
  payloadBytes: number;
  /** 1, or 2, 3 for a repeated fan-out (`ws/fanout#2`): the targets use means and spreads. */
  run: number;
  /** Nestling under `--cpu-prof`: run for the profile only, its numbers are not reported. */
  profile: boolean;
  /** How long setup (connecting, joining, creating players or users) may take. */
  readyTimeoutMs: number;
  /**
   * More generator flags (chat: `--batch-size 8`, see CHAT_SETUP_CONCURRENCY; poisoned: also
   * `--poison-rate`).
   */
  extraArgs?: string[];
  /**
   * Idle: how long to wait before reading a settled RSS (after the generator's `prepared`, and
   * again after its `ready`).
   */
  settleMs: number;
}

/** CPU of the server (user + system) and of its embedded PostgreSQL over one window. */
export interface WindowCpu {
  windowMs: number;
  serverCpuUs: number;
  dbCpuUs: number;
}

/** The generator's final `{"result":…}` line (its own type: one definition). */
export type GeneratorResult = Result;

/** What the orchestrator read from /proc for the server of one phase. */
export interface ServerMeasure {
  pid: number;
  /** Server CPU (user + system) between the generator's `ready` and its result, µs. */
  cpuUs?: number;
  /** The system (kernel) part of cpuUs. */
  systemCpuUs?: number;
  /** Wall time of that window, ms. */
  windowMs?: number;
  /** CPU of the server's descendants (Nestling's embedded PostgreSQL) in the same window, µs. */
  descendantsCpuUs?: number;
  /**
   * CPU used in the window by everything else on the machine (all CPUs, excluding the server,
   * its database, the generator and softirq time): other load that can disturb the figures, µs.
   */
  otherCpuUs?: number;
  /** softirq time (all CPUs) in the window, mostly loopback networking, µs. */
  softirqUs?: number;
  /** Highest RSS sampled (every 100 ms) from the generator's start to its result, kB. */
  peakRssKb?: number;
  /** VmHWM at the end of the window (includes start-up), kB. */
  hwmKb?: number;
  /**
   * Settled RSS before any socket connected, kB (minimum of several samples). Idle: read once
   * the generator has prepared its target (Nestling: the players created), no GC forced.
   */
  baselineRssKb?: number;
  /** Idle: as baselineRssKb, but read right after a full GC forced through the inspector, kB. */
  baselineGcRssKb?: number;
  /** RSS read once at the generator's `ready` (every socket joined, nothing sent yet), kB. */
  readyRssKb?: number;
  /** Server CPU from the generator's start to its `ready` (players, connects, joins), µs. */
  setupCpuUs?: number;
  /** Idle: settled RSS with every socket joined, no GC forced, kB. */
  idleRssKb?: number;
  /** Idle: RSS with every socket joined right after a full GC forced through the inspector, kB. */
  idleGcRssKb?: number;
  /** Idle: why no full GC could be forced (the GC figures are then missing). */
  gcError?: string;
  /** Storm: server CPU from `go` to the generator's `ready` (every socket done), µs. */
  stormCpuUs?: number;
  /** Storm: that window's wall time, ms. */
  stormWindowMs?: number;
  /** Storm: highest RSS sampled in that window, kB. */
  stormPeakRssKb?: number;
  /** Storm: CPU used by everything else on the machine in that window (as otherCpuUs), µs. */
  stormOtherCpuUs?: number;
}

/**
 * Cross-node fan-out: a process of the cluster other than the measured node (node B), read over
 * the same window.
 */
export interface CompanionMeasure {
  /** `publisher node` (node A, with the embedded PostgreSQL as its child) or `redis`. */
  role: 'publisher node' | 'redis';
  pid: number;
  /** Its CPU (user + system) between the generator's `ready` and its result, µs. */
  cpuUs?: number;
  /** Its descendants' CPU in the same window (node A: the embedded PostgreSQL), µs. */
  descendantsCpuUs?: number;
}

export interface PhaseOutcome {
  spec: PhaseSpec;
  ok: boolean;
  error?: string;
  startedAt: string;
  /** The server and generator were pinned with taskset (server CPU 0, generator CPU 1). */
  pinned: boolean;
  /**
   * Cross-node fan-out: node A and Redis (the `server` is node B, where the subscribers are).
   */
  companions?: CompanionMeasure[];
  /** Idle: the generator's `{"prepared":true,…}` line (its target prepared, nothing connected). */
  prepared?: Record<string, unknown>;
  ready?: Record<string, unknown>;
  result?: GeneratorResult;
  server?: ServerMeasure;
  /** Chat probe: the server's and PostgreSQL's CPU over each step (its sends and grace). */
  stepCpu?: WindowCpu[];
  /** Path of the `.cpuprofile` (profile phases). */
  profilePath?: string;
  /** Profile phases: the measured window relative to the process start, µs. */
  profileWindowUs?: { fromUs: number; toUs: number };
  /**
   * Nestling's chat phase: what its embedded PostgreSQL's active client backends were waiting on
   * between the generator's `ready` and its result (`pg_stat_activity` sampled, see pg-waits.ts).
   */
  pgWaits?: WaitSummary;
  /**
   * Nestling's chat and chat probe: its send batches' commit times between the generator's
   * `ready` and its result (`nestling_chat_send_batch_seconds`, scraped at both ends).
   */
  commitTimes?: CommitTimes;
  /**
   * Poisoned chat: the server's readings in each of the generator's two windows, split at its
   * `{"windowDone":"honest-only"}` line.
   */
  windowCpu?: { honestOnly: WindowCpu; withPoison: WindowCpu };
  /**
   * Wall times (ms): server start; generator set-up (idle: preparing, then connecting and joining,
   * without the pause for the baseline between them); of it, idle, the preparing (Nestling's
   * players); the measured window; the whole phase.
   */
  timings: {
    serverStartMs?: number;
    setupMs?: number;
    prepareMs?: number;
    runMs?: number;
    totalMs: number;
  };
}

/**
 * Chat: unmeasured sends at the full rate before the measured window (part of the set-up), so
 * that the first runs of the path (JIT, each pool connection's first statements) are not
 * measured. The peers' workloads need none: they have no database and a trivial path.
 */
export const CHAT_WARMUP_MS = 3000;

/**
 * Chat set-up concurrency (registrations, conversations, joins), kept below Nestling's database
 * pool (10) so that set-up requests do not queue for connections (more would work, only
 * slower). Only set-up is affected; the measured send_message phase is paced as asked.
 */
export const CHAT_SETUP_CONCURRENCY = 8;

/**
 * Poisoned chat: the one poisoning user sends this share of the honest senders' rate (500
 * msgs/s beside their 1,000 in the full run): one in three of the sends the server gets.
 */
export const POISON_RATE_SHARE = 0.5;
