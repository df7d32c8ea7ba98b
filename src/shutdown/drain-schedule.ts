/** Batches are at least this far apart: closer than that, they would reconnect as one wave. */
export const MIN_BATCH_INTERVAL_MS = 100;

export interface DrainSchedule {
  /** How many batches (0 when there is no socket to close). */
  batches: number;
  /** Time between two batches; the first is closed at once, the last before `overMs` ends. */
  intervalMs: number;
}

/**
 * How a node closes `sockets` sockets over `overMs` (SHUTDOWN_DRAIN_MS): as many batches as
 * fit at MIN_BATCH_INTERVAL_MS apart, never more than one per socket, evenly spaced.
 */
export function drainSchedule(sockets: number, overMs: number): DrainSchedule {
  if (sockets <= 0) return { batches: 0, intervalMs: 0 };
  const batches = Math.max(1, Math.min(sockets, Math.floor(overMs / MIN_BATCH_INTERVAL_MS)));
  return { batches, intervalMs: batches > 1 ? overMs / batches : 0 };
}

/**
 * How many sockets the next batch closes: those still open, shared evenly among the batches
 * left (sockets that went away by themselves meanwhile make later batches smaller).
 */
export function batchSize(open: number, batchesLeft: number): number {
  return batchesLeft <= 1 ? open : Math.ceil(open / batchesLeft);
}
