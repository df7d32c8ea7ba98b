import pg from 'pg';

/** Where to sample: a PostgreSQL server and a role allowed to see every backend's activity. */
export interface PgConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** One wait event (or `CPU`) seen among the active client backends. */
export interface WaitEventShare {
  /** `IO:WalSync`, `LWLock:WALWrite`, `Client:ClientRead`, …; `CPU` when no wait event was set. */
  event: string;
  /** Active client backends in that state, averaged over every sample (0 where absent). */
  meanBackends: number;
  /** Share of the samples in which at least one backend was in that state, 0-1. */
  sampleShare: number;
}

/** What the active client backends of a PostgreSQL server were doing over a window. */
export interface WaitSummary {
  intervalMs: number;
  /** Samples counted (queries that answered). */
  samples: number;
  /** Samples in which at least one client backend was active. */
  activeSamples: number;
  /** Samples that could not be taken (a failed connect counts as none attempted). */
  failedSamples: number;
  /** Wall time from the start to the stop of the sampler, ms. */
  windowMs: number;
  /** By meanBackends, highest first. */
  events: WaitEventShare[];
  /** The first error met (connecting or sampling), if any. */
  error?: string;
}

export interface WaitSampler {
  /** Stops sampling (waiting for a query in flight) and closes the connection; never rejects. */
  stop(): Promise<WaitSummary>;
}

/** Active client backends per wait event, the sampler's own backend left out. */
export const WAIT_QUERY =
  'SELECT wait_event_type, wait_event, count(*) AS n FROM pg_stat_activity ' +
  "WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid() " +
  'GROUP BY 1, 2';

/** `IO:WalSync`, or `CPU` for an active backend with no wait event (running, or runnable). */
export function waitLabel(type: string | null, event: string | null): string {
  if (event === null) return 'CPU';
  return type === null ? event : `${type}:${event}`;
}

/** A summary with nothing sampled and why (the sampler could not even start). */
export function notSampled(error: string, intervalMs = 100): WaitSummary {
  return {
    intervalMs,
    samples: 0,
    activeSamples: 0,
    failedSamples: 0,
    windowMs: 0,
    events: [],
    error,
  };
}

/** Per-event totals over the samples, turned into a WaitSummary. */
export class WaitTally {
  samples = 0;
  activeSamples = 0;
  failedSamples = 0;
  error: string | undefined;
  private readonly backends = new Map<string, number>();
  private readonly seenIn = new Map<string, number>();

  /** One sample: backends per label (labels may repeat; they are added up). */
  add(sample: ReadonlyArray<{ label: string; count: number }>): void {
    this.samples++;
    const seen = new Set<string>();
    for (const { label, count } of sample) {
      if (!(count > 0)) continue;
      this.backends.set(label, (this.backends.get(label) ?? 0) + count);
      seen.add(label);
    }
    for (const label of seen) this.seenIn.set(label, (this.seenIn.get(label) ?? 0) + 1);
    if (seen.size > 0) this.activeSamples++;
  }

  fail(error: unknown): void {
    this.failedSamples++;
    this.error ??= errorMessage(error);
  }

  summary(intervalMs: number, windowMs: number): WaitSummary {
    const n = this.samples;
    const events = [...this.backends.entries()]
      .map(([event, total]) => ({
        event,
        meanBackends: n > 0 ? total / n : 0,
        sampleShare: n > 0 ? (this.seenIn.get(event) ?? 0) / n : 0,
      }))
      .sort((a, b) => b.meanBackends - a.meanBackends || b.sampleShare - a.sampleShare);
    return {
      intervalMs,
      samples: n,
      activeSamples: this.activeSamples,
      failedSamples: this.failedSamples,
      windowMs,
      events,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message || (error instanceof Error ? error.name : 'unknown error');
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** How long stop() waits for a query in flight (or a connect) before closing anyway. */
const STOP_GRACE_MS = 2000;

/**
 * Samples `pg_stat_activity` every `intervalMs` over one connection of its own (the next sample
 * starts `intervalMs` after the previous one started, or at once when that took longer), until
 * stop(). Nothing is ever thrown: a sample that fails is not counted and the first error is kept.
 */
export function startWaitSampler(connection: PgConnection, intervalMs = 100): WaitSampler {
  const startedAt = performance.now();
  const tally = new WaitTally();
  let stopping = false;
  let wake: (() => void) | undefined;
  const client = new pg.Client({
    ...connection,
    application_name: 'bench wait sampler',
    connectionTimeoutMillis: 5000,
    // A sample that hangs must not hold the others up for long.
    statement_timeout: Math.max(1000, 10 * intervalMs),
  });
  // An error on an idle connection (the server going away) must not crash the orchestrator.
  client.on('error', (error) => {
    tally.error ??= errorMessage(error);
  });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    try {
      await client.connect();
    } catch (error) {
      tally.error ??= `connecting to ${connection.host}:${connection.port}: ${errorMessage(error)}`;
      return;
    }
    while (!stopping) {
      const at = performance.now();
      try {
        const { rows } = await client.query<{
          wait_event_type: string | null;
          wait_event: string | null;
          n: string | number;
        }>(WAIT_QUERY);
        // A sample whose query ran past stop() still describes the window: keep it.
        tally.add(
          rows.map((r) => ({
            label: waitLabel(r.wait_event_type, r.wait_event),
            count: Number(r.n),
          })),
        );
      } catch (error) {
        if (stopping) break;
        tally.fail(error);
      }
      if (stopping) break;
      await pause(Math.max(0, intervalMs - (performance.now() - at)));
    }
  })().catch((error: unknown) => {
    tally.error ??= errorMessage(error);
  });

  let stopped: Promise<WaitSummary> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        const windowMs = performance.now() - startedAt;
        stopping = true;
        wake?.();
        await within(loop, STOP_GRACE_MS);
        const summary = tally.summary(intervalMs, windowMs);
        await within(
          client.end().catch(() => undefined), // already closed, or never connected
          STOP_GRACE_MS,
        );
        return summary;
      })();
      return stopped;
    },
  };
}
