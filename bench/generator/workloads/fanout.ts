import { log } from '../concurrency.js';
import { startCpuMeter } from '../cpu.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { runPaced, totalMessages } from '../pacing.js';
import { epochNow } from '../probe.js';
import { buildResult, type Result } from '../result.js';
import { DeliveryTracker, LatencySamples } from '../stats.js';
import type { BroadcastTarget } from '../targets/target.js';
import { connectAll, waitUntil } from './connect-all.js';

/**
 * Fan-out: sockets 0..senders-1 send `rate` messages/s in total (round robin); every socket,
 * senders included, should receive every message.
 */
export async function runFanout(target: BroadcastTarget, options: Options): Promise<Result> {
  const { sockets: count, senders, rate, durationMs, graceMs } = options;
  const setupStart = performance.now();
  const tracker = new DeliveryTracker(count * senders);
  const latency = new LatencySamples();
  let rejected = 0;
  let replies = 0;
  let disconnects = 0;
  let lastDeliveryAt = 0;
  await target.prepare(count);
  const sockets = await connectAll(target, options, (receiver) => ({
    probe: ({ s, seq, t }) => {
      if (s >= senders) return;
      const now = epochNow();
      if (tracker.record(receiver * senders + s, seq)) {
        latency.add(now - t);
        lastDeliveryAt = now;
      }
    },
    replied: (ok) => {
      replies++;
      if (!ok) rejected++;
    },
    closed: () => disconnects++,
  }));
  const stopKeepAlive = target.keepAlive();
  const setupMs = performance.now() - setupStart;

  const total = totalMessages(rate, durationMs);
  emit({
    ready: true,
    target: options.target,
    workload: 'fanout',
    sockets: count,
    setupMs: Math.round(setupMs),
  });
  log(`sending ${total} messages at ${rate}/s from ${senders} sender(s) to ${count} sockets`);
  disconnects = 0;
  const stopCpu = startCpuMeter();
  const firstSendAt = epochNow();
  const seqs = new Int32Array(senders);
  const run = await runPaced(rate, total, (k) => {
    const s = k % senders;
    sockets[s].send(s, seqs[s]++, epochNow());
  });
  const expected = () => (run.sent - rejected) * count;
  await waitUntil(() => tracker.delivered >= expected(), graceMs);
  const cpu = stopCpu();
  const result = buildResult(options, {
    sent: run.sent,
    expected: expected(),
    rejected,
    unanswered: target.replies ? run.sent - replies : null,
    tracker,
    latency: latency.summary(),
    windowMs: lastDeliveryAt - firstSendAt,
    cpu,
    setupMs,
    disconnects,
  });
  stopKeepAlive();
  for (const socket of sockets) socket.close();
  return result;
}
