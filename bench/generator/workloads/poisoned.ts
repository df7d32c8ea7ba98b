import type { Options } from '../options.js';
import { emit } from '../output.js';
import { buildResult, type Result } from '../result.js';
import type { LatencySummary } from '../stats.js';
import { type ChatWindow, ChatTraffic, emitReady } from './chat.js';
import { Poisoner } from './poisoner.js';

/**
 * Poisoned chat: the chat workload's honest senders, at its rate, for `durationMs` twice on the
 * same set-up (sockets, conversations, server): first alone, then with one extra user (Poisoner)
 * sending `poisonRate` pushes per second whose content holds U+0000. Between the two windows the
 * line `{"windowDone":"honest-only"}` lets the orchestrator split its server readings. The
 * result adds both windows up; `poisoned` has each, and what the poisoner's pushes got back.
 */
export async function runPoisoned(options: Options): Promise<Result> {
  const setupStart = performance.now();
  const chat = await ChatTraffic.open(options);
  const poisoner = await Poisoner.join(options);
  await chat.warmUp(options);
  const setupMs = performance.now() - setupStart;
  emitReady(options, chat.members.length + 1, setupMs);
  const honestOnly = await chat.measure(options);
  emit({ windowDone: 'honest-only' });
  const withPoison = await chat.measure(options, poisoner.during(options.durationMs));
  const poison = poisoner.summary();
  poisoner.close();
  chat.close();
  const both = addUp(honestOnly, withPoison, chat.allLatencies());
  return {
    ...buildResult(options, { ...both, setupMs, durationMs: 2 * options.durationMs }),
    poisoned: {
      honestOnly: buildResult(options, { ...honestOnly, setupMs }),
      withPoison: buildResult(options, { ...withPoison, setupMs }),
      poison,
    },
  };
}

/**
 * Two windows measured back to back as one: counts added, the second's delivery and reply
 * windows shifted by the first's wall time.
 */
export function addUp(first: ChatWindow, second: ChatWindow, latency: LatencySummary): ChatWindow {
  const sum = (pick: (w: ChatWindow) => number) => pick(first) + pick(second);
  const wallMs = first.cpu.wallMs;
  const cpuMs = sum((w) => w.cpu.cpuMs);
  const allWallMs = sum((w) => w.cpu.wallMs);
  return {
    sent: sum((w) => w.sent),
    expected: sum((w) => w.expected),
    rejected: sum((w) => w.rejected),
    unanswered: sum((w) => w.unanswered ?? 0),
    acknowledged: {
      count: sum((w) => w.acknowledged?.count ?? 0),
      windowMs: wallMs + (second.acknowledged?.windowMs ?? 0),
    },
    tracker: {
      delivered: sum((w) => w.tracker.delivered),
      duplicated: sum((w) => w.tracker.duplicated),
      outOfOrder: sum((w) => w.tracker.outOfOrder),
    },
    latency,
    windowMs: wallMs + second.windowMs,
    cpu: {
      cpuMs,
      wallMs: allWallMs,
      percent: allWallMs > 0 ? Math.round((cpuMs / allWallMs) * 1000) / 10 : 0,
    },
    disconnects: sum((w) => w.disconnects),
  };
}
