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
 * Resolves on a `stop` line on stdin, SIGTERM or SIGINT, or when stdin closes; with `holdMs` > 0
 * also after that long (and then stdin closing does not stop it: it may run with no stdin).
 */
function stopSignal(holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    const timer = holdMs > 0 ? setTimeout(done, holdMs) : undefined;
    let stopped = false;
    function done() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      process.off('SIGTERM', done).off('SIGINT', done);
      lines.close();
      process.stdin.pause();
      resolve();
    }
    lines.on('line', (line) => line.trim() === 'stop' && done());
    if (holdMs === 0) lines.on('close', done);
    process.once('SIGTERM', done).once('SIGINT', done);
  });
}

/** Idle: connect (and join) every socket, say `ready`, hold them until told to stop. */
export async function runIdle(target: BroadcastTarget, options: Options): Promise<Result> {
  const setupStart = performance.now();
  let disconnects = 0;
  const sockets = await connectAll(target, options, () => ({
    probe: () => undefined,
    replied: () => undefined,
    closed: () => disconnects++,
  }));
  const stopKeepAlive = target.keepAlive();
  const setupMs = performance.now() - setupStart;
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
  await stopSignal(options.holdMs);
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
