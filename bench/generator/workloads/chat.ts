import { randomUUID } from 'node:crypto';
import { log } from '../concurrency.js';
import { startCpuMeter } from '../cpu.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { runPaced, totalMessages } from '../pacing.js';
import { type PhoenixReply, startHeartbeats, startsWith } from '../phoenix-client.js';
import { epochNow } from '../probe.js';
import { buildResult, type Result } from '../result.js';
import { DeliveryTracker, LatencySamples } from '../stats.js';
import { type Member, setUpChat } from './chat-setup.js';
import { waitUntil } from './connect-all.js';

/**
 * Chat round trip: `rate` send_message pushes per second in total from random members; every
 * member of the sender's conversation (sender included) should get `new_message`, whose content
 * `"<seq>:<send time>"` gives the latency. With `warmupMs`, messages `"w<n>:<send time>"` go
 * first at the same rate, unmeasured, and `ready` comes once they are all answered.
 */
export async function runChat(options: Options): Promise<Result> {
  const { rate, durationMs, graceMs } = options;
  const setupStart = performance.now();
  const { members, groups } = await setUpChat(options);
  const streamsPerMember = Math.max(...groups.map((g) => g.length));
  const positionOf = new Map(members.map((m) => [m.userId, m.position]));
  const tracker = new DeliveryTracker(members.length * streamsPerMember);
  const latency = new LatencySamples();
  let lastDeliveryAt = 0;
  let disconnects = 0;
  members.forEach((member, receiver) => {
    const head = Buffer.from(`[null,null,${JSON.stringify(member.topic)},"new_message",`);
    member.socket.onClose = () => disconnects++;
    member.socket.onBroadcast = (data) => {
      if (!startsWith(data, head)) return; // finish_typing and the like
      const now = epochNow();
      const { message } = (
        JSON.parse(data.toString()) as [null, null, string, string, NewMessage]
      )[4];
      const position = positionOf.get(message?.sender ?? '');
      const [seq, t] = String(message?.content).split(':').map(Number);
      if (position === undefined || !Number.isInteger(seq) || !Number.isFinite(t)) return;
      if (tracker.record(receiver * streamsPerMember + position, seq)) {
        latency.add(now - t);
        lastDeliveryAt = now;
      }
    };
  });
  const stopHeartbeats = startHeartbeats(members.map((m) => m.socket));
  await warmUp(members, options);
  const setupMs = performance.now() - setupStart;

  const total = totalMessages(rate, durationMs);
  emit({
    ready: true,
    target: 'nestling',
    workload: 'chat',
    sockets: members.length,
    setupMs: Math.round(setupMs),
  });
  log(`sending ${total} messages at ${rate}/s in ${groups.length} conversations`);
  disconnects = 0;
  let expected = 0;
  let rejected = 0;
  let replies = 0;
  const stopCpu = startCpuMeter();
  const firstSendAt = epochNow();
  const run = await runPaced(rate, total, () => {
    const member = randomMember(members);
    const receivers = groups[member.group].length;
    expected += receivers;
    sendMessage(member, `${member.seq++}`, (reply) => {
      replies++;
      if (reply.status !== 'ok') {
        rejected++;
        expected -= receivers;
      }
    });
  });
  await waitUntil(() => tracker.delivered >= expected, graceMs);
  const cpu = stopCpu();
  const result = buildResult(options, {
    sent: run.sent,
    expected,
    rejected,
    unanswered: run.sent - replies,
    tracker,
    latency: latency.summary(),
    windowMs: lastDeliveryAt - firstSendAt,
    cpu,
    setupMs,
    disconnects,
  });
  stopHeartbeats();
  for (const member of members) {
    member.socket.onClose = () => undefined;
    member.socket.close();
  }
  return result;
}

/** Sends unmeasured messages at `rate` for `warmupMs`, then waits for their replies. */
async function warmUp(members: Member[], options: Options): Promise<void> {
  const { rate, warmupMs, graceMs } = options;
  if (warmupMs === 0) return;
  const total = totalMessages(rate, warmupMs);
  log(`warming up: ${total} unmeasured messages at ${rate}/s`);
  let replies = 0;
  let n = 0;
  await runPaced(rate, total, () => sendMessage(randomMember(members), `w${n++}`, () => replies++));
  await waitUntil(() => replies >= total, graceMs + warmupMs);
}

const randomMember = (members: Member[]): Member =>
  members[Math.floor(Math.random() * members.length)];

/** `send_message` with content `"<tag>:<send time>"` and a fresh client_msg_id. */
function sendMessage(member: Member, tag: string, onReply: (reply: PhoenixReply) => void): void {
  const payload = { content: `${tag}:${epochNow()}`, client_msg_id: randomUUID() };
  member.socket.pushRaw(member.topic, 'send_message', JSON.stringify(payload), onReply);
}

interface NewMessage {
  message?: { sender?: string; content?: unknown };
}
