import { randomUUID } from 'node:crypto';
import { log } from '../concurrency.js';
import { startCpuMeter } from '../cpu.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { runPaced, totalMessages } from '../pacing.js';
import {
  type PhoenixReply,
  type PhoenixSocket,
  startHeartbeats,
  startsWith,
} from '../phoenix-client.js';
import { epochNow } from '../probe.js';
import { buildResult, type Measured, type Result } from '../result.js';
import { DeliveryTracker, LatencySamples, type LatencySummary } from '../stats.js';
import { type Member, setUpChat } from './chat-setup.js';
import { waitUntil } from './connect-all.js';

/**
 * Chat round trip: `rate` send_message pushes per second in total from random members; every
 * member of the sender's conversation (sender included) should get `new_message`, whose content
 * `"<seq>:<send time>"` gives the latency. With `warmupMs`, messages `"w<n>:<send time>"` go
 * first at the same rate, unmeasured, and `ready` comes once they are all answered.
 */
export async function runChat(options: Options): Promise<Result> {
  const setupStart = performance.now();
  const chat = await ChatTraffic.open(options);
  await chat.warmUp(options);
  const setupMs = performance.now() - setupStart;
  emitReady(options, chat.members.length, setupMs);
  const window = await chat.measure(options);
  chat.close();
  return buildResult(options, { ...window, setupMs });
}

/** The generator's `ready` line of a chat workload. */
export function emitReady(options: Options, sockets: number, setupMs: number): void {
  const { target, workload } = options;
  emit({ ready: true, target, workload, sockets, setupMs: Math.round(setupMs) });
}

/**
 * Something sent alongside the honest senders during a window (the poisoner): `start` sends
 * (resolving once everything is sent), `settled` says when all of it has been answered.
 */
export interface Alongside {
  start(): Promise<unknown>;
  settled(): boolean;
}

/** One window's figures for buildResult (all but the set-up time). */
export type ChatWindow = Omit<Measured, 'setupMs'>;

/**
 * The chat members, set up and listened to: every member's `new_message` is counted (one
 * DeliveryTracker over all windows, so seqs and order carry on) and timed, window by window.
 */
export class ChatTraffic {
  private readonly tracker: DeliveryTracker;
  /** This window's latencies, and every window's. */
  private latency = new LatencySamples();
  private readonly allLatency = new LatencySamples();
  private lastDeliveryAt = 0;
  private disconnects = 0;

  private constructor(
    readonly members: Member[],
    readonly groups: number[][],
    private readonly stopHeartbeats: () => void,
  ) {
    const streamsPerMember = Math.max(...groups.map((g) => g.length));
    const positionOf = new Map(members.map((m) => [m.userId, m.position]));
    this.tracker = new DeliveryTracker(members.length * streamsPerMember);
    members.forEach((member, receiver) => {
      const head = Buffer.from(`[null,null,${JSON.stringify(member.topic)},"new_message",`);
      member.socket.onClose = () => this.disconnects++;
      member.socket.onBroadcast = (data) => {
        if (!startsWith(data, head)) return; // finish_typing and the like
        const now = epochNow();
        const { message } = (
          JSON.parse(data.toString()) as [null, null, string, string, NewMessage]
        )[4];
        const position = positionOf.get(message?.sender ?? '');
        const [seq, t] = String(message?.content).split(':').map(Number);
        if (position === undefined || !Number.isInteger(seq) || !Number.isFinite(t)) return;
        if (this.tracker.record(receiver * streamsPerMember + position, seq)) {
          this.latency.add(now - t);
          this.allLatency.add(now - t);
          this.lastDeliveryAt = now;
        }
      };
    });
  }

  /** Registers, connects and joins the members (setUpChat), listens, and heartbeats them. */
  static async open(options: Options): Promise<ChatTraffic> {
    const { members, groups } = await setUpChat(options);
    const stopHeartbeats = startHeartbeats(members.map((m) => m.socket));
    return new ChatTraffic(members, groups, stopHeartbeats);
  }

  /** Sends unmeasured messages at `rate` for `warmupMs`, then waits for their replies. */
  async warmUp(options: Options): Promise<void> {
    const { rate, warmupMs, graceMs } = options;
    if (warmupMs === 0) return;
    const total = totalMessages(rate, warmupMs);
    log(`warming up: ${total} unmeasured messages at ${rate}/s`);
    let replies = 0;
    let n = 0;
    await runPaced(rate, total, () => sendMessage(this.randomMember(), `w${n++}`, () => replies++));
    await waitUntil(() => replies >= total, graceMs + warmupMs);
  }

  /**
   * One measured window: `rate` messages per second for `durationMs` from random members (and
   * `alongside`, when given, sending meanwhile), then up to `graceMs` for every delivery and
   * reply still due. Deliveries and latencies are this window's only.
   */
  async measure(options: Options, alongside?: Alongside): Promise<ChatWindow> {
    const { rate, durationMs, graceMs } = options;
    const total = totalMessages(rate, durationMs);
    log(`sending ${total} messages at ${rate}/s in ${this.groups.length} conversations`);
    const before = { ...this.counts() };
    this.latency = new LatencySamples();
    this.disconnects = 0;
    let expected = 0;
    let rejected = 0;
    let replies = 0;
    let lastAckAt = 0;
    const stopCpu = startCpuMeter();
    const firstSendAt = epochNow();
    const [run] = await Promise.all([
      runPaced(rate, total, () => {
        const member = this.randomMember();
        const receivers = this.groups[member.group].length;
        expected += receivers;
        sendMessage(member, `${member.seq++}`, (reply) => {
          replies++;
          if (reply.status === 'ok') {
            lastAckAt = epochNow();
          } else {
            rejected++;
            expected -= receivers;
          }
        });
      }),
      alongside?.start(),
    ]);
    const delivered = () => this.tracker.delivered - before.delivered;
    await waitUntil(
      () => delivered() >= expected && replies >= run.sent && (alongside?.settled() ?? true),
      graceMs,
    );
    const after = this.counts();
    return {
      sent: run.sent,
      expected,
      rejected,
      unanswered: run.sent - replies,
      acknowledged: { count: replies - rejected, windowMs: Math.max(0, lastAckAt - firstSendAt) },
      tracker: {
        delivered: after.delivered - before.delivered,
        duplicated: after.duplicated - before.duplicated,
        outOfOrder: after.outOfOrder - before.outOfOrder,
      },
      latency: this.latency.summary(),
      windowMs: Math.max(0, this.lastDeliveryAt - firstSendAt),
      cpu: stopCpu(),
      disconnects: this.disconnects,
    };
  }

  /** Latencies over every window measured so far. */
  allLatencies(): LatencySummary {
    return this.allLatency.summary();
  }

  close(): void {
    this.stopHeartbeats();
    for (const member of this.members) {
      member.socket.onClose = () => undefined;
      member.socket.close();
    }
  }

  private counts() {
    const { delivered, duplicated, outOfOrder } = this.tracker;
    return { delivered, duplicated, outOfOrder };
  }

  private randomMember(): Member {
    return this.members[Math.floor(Math.random() * this.members.length)];
  }
}

/**
 * `send_message` with content `"<tag>:<send time>"` (`poison`: with U+0000 after it, which
 * PostgreSQL text cannot hold) and a fresh client_msg_id.
 */
export function sendMessage(
  to: { socket: PhoenixSocket; topic: string },
  tag: string,
  onReply: (reply: PhoenixReply) => void,
  { poison = false } = {},
): void {
  const content = `${tag}:${epochNow()}${poison ? '\u0000' : ''}`;
  const payload = { content, client_msg_id: randomUUID() };
  to.socket.pushRaw(to.topic, 'send_message', JSON.stringify(payload), onReply);
}

interface NewMessage {
  message?: { sender?: string; content?: unknown };
}
