import { log } from '../concurrency.js';
import { startCpuMeter } from '../cpu.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { runPaced, totalMessages } from '../pacing.js';
import { epochNow } from '../probe.js';
import { buildResult, type Result } from '../result.js';
import { DeliveryTracker, LatencySamples } from '../stats.js';
import type { BroadcastSocket, BroadcastTarget } from '../targets/target.js';
import { connectAll, waitUntil } from './connect-all.js';

/**
 * Fan-out: `senders` sockets send `rate` messages/s in total (round robin); every receiver should
 * receive every message. The senders are receivers 0..senders-1 themselves, or, given a
 * `publisher` target (`--publisher-url`: another node of the cluster), sockets of their own
 * there, whose deliveries are not counted.
 */
export async function runFanout(
  target: BroadcastTarget,
  options: Options,
  publisher?: BroadcastTarget,
): Promise<Result> {
  const { sockets: count, senders, rate, durationMs, graceMs } = options;
  const setupStart = performance.now();
  const tracker = new DeliveryTracker(count * senders);
  const latency = new LatencySamples();
  let rejected = 0;
  let replies = 0;
  let disconnects = 0;
  let lastDeliveryAt = 0;
  const replied = (ok: boolean) => {
    replies++;
    if (!ok) rejected++;
  };
  const closed = () => disconnects++;
  await target.prepare(count);
  await publisher?.prepare(senders);
  const sockets = await connectAll(target, options, (receiver) => ({
    probe: ({ s, seq, t }) => {
      if (s >= senders) return;
      const now = epochNow();
      if (tracker.record(receiver * senders + s, seq)) {
        latency.add(now - t);
        lastDeliveryAt = now;
      }
    },
    replied,
    closed,
  }));
  let publishers: BroadcastSocket[] = sockets;
  if (publisher) {
    publishers = await connectAll(publisher, { ...options, sockets: senders }, () => ({
      probe: () => undefined, // the publisher's own node: not what is measured
      replied,
      closed,
    }));
  }
  const stopKeepAlive = [target, publisher].map((t) => t?.keepAlive());
  const setupMs = performance.now() - setupStart;

  const total = totalMessages(rate, durationMs);
  emit({
    ready: true,
    target: options.target,
    workload: 'fanout',
    sockets: count,
    ...(publisher && { publishers: senders }),
    setupMs: Math.round(setupMs),
  });
  const where = publisher ? ` on ${options.publisherUrl}` : '';
  log(
    `sending ${total} messages at ${rate}/s from ${senders} sender(s)${where} to ${count} sockets`,
  );
  disconnects = 0;
  const stopCpu = startCpuMeter();
  const firstSendAt = epochNow();
  const seqs = new Int32Array(senders);
  const run = await runPaced(rate, total, (k) => {
    const s = k % senders;
    publishers[s].send(s, seqs[s]++, epochNow());
  });
  const expected = () => (run.sent - rejected) * count;
  await waitUntil(() => tracker.delivered >= expected(), graceMs);
  const cpu = stopCpu();
  const result = buildResult(options, {
    sent: run.sent,
    expected: expected(),
    rejected,
    unanswered: (publisher ?? target).replies ? run.sent - replies : null,
    tracker,
    latency: latency.summary(),
    windowMs: lastDeliveryAt - firstSendAt,
    cpu,
    setupMs,
    disconnects,
  });
  for (const stop of stopKeepAlive) stop?.();
  for (const socket of new Set([...sockets, ...publishers])) socket.close();
  return result;
}
