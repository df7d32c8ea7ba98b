import type { CpuReading } from './cpu.js';
import type { Options, Target, Workload } from './options.js';
import type { DeliveryTracker, LatencySummary } from './stats.js';
import type { StormSummary } from './workloads/storm.js';

/** The generator's last stdout line is `{"result": Result}`. */
export interface Result {
  target: Target;
  workload: Workload;
  sockets: number;
  /** Messages per second asked for (in total). */
  rate: number;
  /** The send phase asked for; for idle, how long the sockets were held. */
  durationMs: number;
  payloadBytes: number;
  /** Messages sent. */
  sent: number;
  /** Deliveries due: each accepted (sent − rejected) message times its receivers. */
  expected: number;
  /** Unique deliveries. */
  delivered: number;
  /** expected − delivered (never negative), counted after the grace period. */
  lost: number;
  duplicated: number;
  /** Deliveries that arrived after a later seq of the same sender on the same socket. */
  outOfOrder: number;
  /** Sends the server answered with an error (Nestling: e.g. "rate limited"). */
  rejected: number;
  /**
   * Sends still unanswered when the result was taken (Nestling: a backlog, not a loss); null
   * for the peers, which do not answer sends.
   */
  unanswered: number | null;
  /** delivered / the delivery window (first send to last delivery, at least durationMs). */
  deliveredPerSec: number;
  /** Chat workloads: sends the server answered ok (stored and broadcast). */
  acknowledged?: number;
  /** Chat workloads: acknowledged / (first send to last ok reply, at least durationMs). */
  acknowledgedPerSec?: number;
  /** Send time (stamped in the message) to receipt, over every unique delivery. */
  latencyMs: LatencySummary;
  /** User + system CPU of the generator during the measured phase. */
  generatorCpuMs: number;
  /** generatorCpuMs over the measured phase's wall time, in % of one core. */
  generatorCpuPercent: number;
  /** Wall time of the measured phase (sends plus the wait for stragglers; idle: the hold). */
  measuredMs: number;
  /** Wall time of setup (accounts, connections, joins) before `ready`. */
  setupMs: number;
  /** Sockets the server (or the network) closed during the measured phase. */
  disconnects: number;
  /**
   * Poisoned chat: the two windows apart (the fields above add them up, over both). Their
   * `durationMs` is each window's; `sockets` counts the honest members.
   */
  poisoned?: PoisonedWindows;
  /** Join storm: how fast every socket connected and joined (latencyMs: each socket's time). */
  storm?: StormSummary;
  /** Chat probe: every step tried, in order (the fields above are the last step's). */
  probe?: ProbeStep[];
}

/** One step of the chat probe: its total rate asked and what came of it. */
export interface ProbeStep {
  /** The total rate asked, msgs/s. */
  rate: number;
  /** Passed: p99 ≤ maxP99Ms and nothing lost, rejected or unanswered. */
  passed: boolean;
  /** Why it failed (empty when it passed). */
  failures: string[];
  result: Result;
}

/** Poisoned chat: the honest senders without, then with the poisoner, and what it was told. */
export interface PoisonedWindows {
  honestOnly: Result;
  withPoison: Result;
  poison: PoisonReplies;
}

/** What the poisoner's send_message pushes (content holding U+0000) got back. */
export interface PoisonReplies {
  /** Pushes per second asked for. */
  rate: number;
  sent: number;
  /** Answered ok: the server took a message it cannot store. */
  ok: number;
  /** Error replies by reason (`invalid_payload`, `unmatched topic` after a crash, …). */
  errors: Record<string, number>;
  /** `phx_error` on its topic: the server crashed its channel (it joined again each time). */
  channelCrashes: number;
  /** Joins again after a crash that the server refused. */
  rejoinsRefused: number;
  /** Never answered (a crashed channel drops what it had queued). */
  unanswered: number;
}

export interface Measured {
  sent: number;
  expected: number;
  rejected: number;
  unanswered: number | null;
  /** Chat: ok replies, and the first send to the last of them, ms. */
  acknowledged?: { count: number; windowMs: number };
  tracker: Pick<DeliveryTracker, 'delivered' | 'duplicated' | 'outOfOrder'>;
  latency: LatencySummary;
  /** Delivery window in ms (first send to last delivery). */
  windowMs: number;
  cpu: CpuReading;
  setupMs: number;
  disconnects: number;
  durationMs?: number;
}

export function buildResult(options: Options, m: Measured): Result {
  const durationMs = m.durationMs ?? options.durationMs;
  const delivered = m.tracker.delivered;
  const windowMs = Math.max(durationMs, m.windowMs);
  const perSec = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0);
  return {
    target: options.target,
    workload: options.workload,
    sockets: options.sockets,
    rate: options.rate,
    durationMs,
    payloadBytes: options.payloadBytes,
    sent: m.sent,
    expected: m.expected,
    delivered,
    lost: Math.max(0, m.expected - delivered),
    duplicated: m.tracker.duplicated,
    outOfOrder: m.tracker.outOfOrder,
    rejected: m.rejected,
    unanswered: m.unanswered,
    deliveredPerSec: perSec(delivered, windowMs),
    ...(m.acknowledged && {
      acknowledged: m.acknowledged.count,
      acknowledgedPerSec: perSec(
        m.acknowledged.count,
        Math.max(durationMs, m.acknowledged.windowMs),
      ),
    }),
    latencyMs: m.latency,
    generatorCpuMs: m.cpu.cpuMs,
    generatorCpuPercent: m.cpu.percent,
    measuredMs: Math.round(m.cpu.wallMs),
    setupMs: Math.round(m.setupMs),
    disconnects: m.disconnects,
  };
}
