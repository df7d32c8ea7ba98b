import { log, mapWindowed, progress, withRetry } from '../concurrency.js';
import type { Options } from '../options.js';
import type { BroadcastSocket, BroadcastTarget, SocketEvents } from '../targets/target.js';

/**
 * Connects `options.sockets` sockets, `batchSize` in flight, each retried a few times.
 * `eventsOf(i)` gives socket i's callbacks. The target must be prepared (`target.prepare`) first.
 */
export async function connectAll(
  target: BroadcastTarget,
  options: Options,
  eventsOf: (index: number) => SocketEvents,
): Promise<BroadcastSocket[]> {
  const sockets = await mapWindowed(
    options.sockets,
    options.batchSize,
    (i) =>
      withRetry(() => target.connect(i, eventsOf(i)), { attempts: 5, pauseMs: 200 }).catch(
        (error: unknown) => {
          throw new Error(`socket ${i} failed to connect: ${String(error)}`);
        },
      ),
    progress('sockets connected', options.sockets),
  );
  log(`all ${sockets.length} sockets ready`);
  return sockets;
}

/** Polls `done()` every 10 ms until it holds or `timeoutMs` passed. */
export function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = performance.now() + timeoutMs;
    const check = () => {
      if (done() || performance.now() >= deadline) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, 10);
    check();
  });
}
