import { log, mapWindowed, progress, withRetry } from '../concurrency.js';
import { startCpuMeter } from '../cpu.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { asksPresence } from '../players.js';
import { buildResult, type Result } from '../result.js';
import { DeliveryTracker, LatencySamples, type LatencySummary } from '../stats.js';
import { NoPresenceState } from '../targets/nestling.js';
import type { BroadcastSocket, BroadcastTarget } from '../targets/target.js';
import { StdinControl } from './idle.js';

/** Attempts per socket (the first and the retries) before it counts as failed. */
export const STORM_ATTEMPTS = 4;
/** The first few distinct errors of failed attempts kept in the summary. */
const KEPT_ERRORS = 5;

/** The join storm as the generator saw it (in its `ready` line and its result). */
export interface StormSummary {
  /** Sockets asked for. */
  sockets: number;
  /** Sockets connected and, on Nestling, joined (with their presence_state where asked). */
  joined: number;
  /** Sockets that failed every attempt. */
  failed: number;
  /** Attempts beyond each socket's first. */
  retries: number;
  /** Sockets whose join asked for presence (Nestling), and the share asked. */
  presenceAsked: number;
  presenceShare: number;
  /** Connects in flight at most. */
  window: number;
  /**
   * From the first connect to the last socket done (its join reply, or its presence_state where
   * it asked for presence), ms.
   */
  stormMs: number;
  /** Each joined socket's own time, from its first connect attempt to done, ms. */
  perSocketMs: LatencySummary;
  /** The first few distinct errors (of failed attempts, retried or not). */
  errors: string[];
}

/** joined / stormMs per second (0 when nothing joined). */
export function socketsPerSecond(storm: Pick<StormSummary, 'joined' | 'stormMs'>): number {
  return storm.stormMs > 0 ? (storm.joined * 1000) / storm.stormMs : 0;
}

/**
 * Join storm: prepare the target (Nestling: the players, reused from `playersFile`), with
 * `awaitGo` say `prepared` and wait for `go`, then open every socket as fast as `batchSize` in
 * flight allows, each retried up to STORM_ATTEMPTS times in all (not a missing presence_state).
 * Says `ready` with the StormSummary once every socket is done or failed; failures are counted,
 * not thrown. The sockets are closed at once.
 */
export async function runStorm(target: BroadcastTarget, options: Options): Promise<Result> {
  const control = new StdinControl();
  try {
    await target.prepare(options.sockets);
    if (options.awaitGo) {
      emit({ prepared: true, sockets: options.sockets });
      log('prepared; waiting for "go" on stdin');
      await control.go();
    }
  } finally {
    control.close();
  }
  const { sockets: count, batchSize: window, presenceShare } = options;
  const perSocket = new LatencySamples();
  const errors = new Set<string>();
  let retries = 0;
  let failed = 0;
  let disconnects = 0;
  let lastDoneAt = 0;
  const events = { probe: () => undefined, replied: () => undefined, closed: () => disconnects++ };
  log(`storm: ${count} sockets, ${window} in flight`);
  const stopCpu = startCpuMeter();
  const firstAt = performance.now();
  const opened = await mapWindowed(
    count,
    window,
    async (i): Promise<BroadcastSocket | undefined> => {
      const startedAt = performance.now();
      let attempt = 0;
      try {
        const socket = await withRetry(
          () => {
            if (attempt++ > 0) retries++;
            return target.connect(i, events).catch((error: unknown) => {
              if (errors.size < KEPT_ERRORS) errors.add(String(error).slice(0, 200));
              throw error;
            });
          },
          {
            attempts: STORM_ATTEMPTS,
            pauseMs: 100,
            retryIf: (error) => !(error instanceof NoPresenceState),
          },
        );
        lastDoneAt = performance.now();
        perSocket.add(lastDoneAt - startedAt);
        return socket;
      } catch {
        failed++;
        return undefined;
      }
    },
    progress('sockets joined', count),
  );
  const joined = opened.filter((s): s is BroadcastSocket => s !== undefined);
  const stormMs = joined.length > 0 ? lastDoneAt - firstAt : 0;
  const storm: StormSummary = {
    sockets: count,
    joined: joined.length,
    failed,
    retries,
    presenceAsked: Array.from({ length: count }, (_, i) => i).filter((i) =>
      asksPresence(i, presenceShare),
    ).length,
    presenceShare,
    window,
    stormMs: Math.round(stormMs * 10) / 10,
    perSocketMs: perSocket.summary(),
    errors: [...errors],
  };
  const cpu = stopCpu();
  emit({
    ready: true,
    target: options.target,
    workload: 'storm',
    sockets: joined.length,
    setupMs: Math.round(stormMs),
    storm,
  });
  log(
    `storm: ${joined.length}/${count} joined in ${Math.round(stormMs)} ms ` +
      `(${Math.round(socketsPerSecond(storm))}/s), ${failed} failed, ${retries} retries`,
  );
  const result = buildResult(options, {
    sent: 0,
    expected: 0,
    rejected: 0,
    unanswered: null,
    tracker: new DeliveryTracker(0),
    latency: perSocket.summary(),
    windowMs: 0,
    cpu,
    setupMs: stormMs,
    disconnects,
    durationMs: Math.round(stormMs),
  });
  for (const socket of joined) socket.close();
  return { ...result, storm };
}
