import { createInterface } from 'node:readline';
import { log } from '../concurrency.js';
import { startCpuMeter } from '../cpu.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { buildResult, type Result } from '../result.js';
import { DeliveryTracker } from '../stats.js';
import type { BroadcastTarget } from '../targets/target.js';
import { connectAll } from './connect-all.js';

/**
 * The control lines on stdin (`go`, then `stop`), read through one readline interface for the
 * whole run; a line that comes before it is waited for is remembered.
 */
export class StdinControl {
  private readonly lines = createInterface({ input: process.stdin });
  private readonly seen = new Set<string>();
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor() {
    this.lines.on('line', (line) => {
      this.seen.add(line.trim());
      this.notify();
    });
    this.lines.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Resolves on a `go` line; rejects when stdin closes first. */
  go(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.seen.has('go') && !this.closed) return;
        this.waiters.delete(check);
        if (this.seen.has('go')) resolve();
        else reject(new Error('stdin closed before a "go" line'));
      };
      this.waiters.add(check);
      check();
    });
  }

  /**
   * Resolves on a `stop` line, SIGTERM or SIGINT, or when stdin closes; with `holdMs` > 0 also
   * after that long (and then stdin closing does not stop it: it may run with no stdin).
   */
  stop(holdMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = holdMs > 0 ? setTimeout(done, holdMs) : undefined;
      let stopped = false;
      const check = () => {
        if (this.seen.has('stop') || (holdMs === 0 && this.closed)) done();
      };
      function done() {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        process.off('SIGTERM', done).off('SIGINT', done);
        resolve();
      }
      process.once('SIGTERM', done).once('SIGINT', done);
      this.waiters.add(check);
      check();
    });
  }

  /** Stops reading stdin (the process can then exit by itself). */
  close(): void {
    this.waiters.clear();
    this.lines.close();
    process.stdin.pause();
  }

  private notify() {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * Idle: prepare the target (Nestling: create the players), with `awaitGo` say `prepared` and wait
 * for `go`, then connect (and join) every socket, say `ready`, hold them until told to stop.
 * `setupMs` leaves out the wait for `go`.
 */
export async function runIdle(target: BroadcastTarget, options: Options): Promise<Result> {
  const control = new StdinControl();
  try {
    return await holdIdle(target, options, control);
  } finally {
    control.close();
  }
}

async function holdIdle(
  target: BroadcastTarget,
  options: Options,
  control: StdinControl,
): Promise<Result> {
  const prepareStart = performance.now();
  await target.prepare(options.sockets);
  const prepareMs = performance.now() - prepareStart;
  if (options.awaitGo) {
    emit({ prepared: true, sockets: options.sockets, prepareMs: Math.round(prepareMs) });
    log('prepared; waiting for "go" on stdin');
    await control.go();
  }
  const connectStart = performance.now();
  let disconnects = 0;
  const sockets = await connectAll(target, options, () => ({
    probe: () => undefined,
    replied: () => undefined,
    closed: () => disconnects++,
  }));
  const stopKeepAlive = target.keepAlive();
  const setupMs = prepareMs + performance.now() - connectStart;
  disconnects = 0;
  emit({
    ready: true,
    target: options.target,
    workload: 'idle',
    sockets: sockets.length,
    setupMs: Math.round(setupMs),
  });
  log(`holding ${sockets.length} sockets; send "stop" on stdin to end`);
  const stopCpu = startCpuMeter();
  await control.stop(options.holdMs);
  const cpu = stopCpu();
  const result = buildResult(options, {
    sent: 0,
    expected: 0,
    rejected: 0,
    unanswered: null,
    tracker: new DeliveryTracker(0),
    latency: { p50: null, p95: null, p99: null, max: null },
    windowMs: 0,
    cpu,
    setupMs,
    disconnects,
    durationMs: Math.round(cpu.wallMs),
  });
  stopKeepAlive();
  for (const socket of sockets) socket.close();
  return result;
}
