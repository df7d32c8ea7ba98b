import { log } from '../concurrency.js';
import type { Options } from '../options.js';
import { runPaced, totalMessages } from '../pacing.js';
import { type PhoenixReply, type PhoenixSocket, startHeartbeats } from '../phoenix-client.js';
import type { PoisonReplies } from '../result.js';
import type { Alongside } from './chat.js';
import { sendMessage } from './chat.js';
import { connectChat, joinConversation, register, startConversation } from './chat-setup.js';

/**
 * One extra chat user, alone in a conversation of its own, who sends `send_message` pushes whose
 * content holds U+0000 (which PostgreSQL text cannot hold). Its own conversation is enough to
 * reach the honest senders: Nestling stores every conversation's sends through one shared batch
 * queue. When the server crashes its channel (`phx_error`) it joins again at once, as a client
 * would, and carries on.
 */
export class Poisoner {
  private readonly replies: PoisonReplies;

  private constructor(
    private readonly socket: PhoenixSocket,
    private readonly topic: string,
    token: string,
    rate: number,
    private readonly stopHeartbeats: () => void,
  ) {
    this.replies = {
      rate,
      sent: 0,
      ok: 0,
      errors: {},
      channelCrashes: 0,
      rejoinsRefused: 0,
      unanswered: 0,
    };
    socket.onChannelError = (crashed) => {
      if (crashed !== topic) return;
      this.replies.channelCrashes++;
      void socket.join(topic, { token }).then((reply) => {
        if (reply.status !== 'ok') this.replies.rejoinsRefused++;
      });
    };
  }

  /** Registers the user, connects it, starts its conversation and joins it. */
  static async join(options: Options): Promise<Poisoner> {
    const { url, runId, poisonRate } = options;
    const { token } = await register(url, `bench-poisoner-${runId}@example.com`);
    const socket = await connectChat(url, token);
    const topic = `conversation:${await startConversation(socket, token, [])}`;
    await joinConversation(socket, topic, token);
    return new Poisoner(socket, topic, token, poisonRate, startHeartbeats([socket]));
  }

  /** During the next window: `rate` poisoned pushes per second for `durationMs`. */
  during(durationMs: number): Alongside {
    const { rate } = this.replies;
    const total = totalMessages(rate, durationMs);
    return {
      start: () => {
        log(`poisoning: ${total} messages holding U+0000 at ${rate}/s`);
        return runPaced(rate, total, (n) => {
          this.replies.sent++;
          const to = { socket: this.socket, topic: this.topic };
          sendMessage(to, `p${n}`, (reply) => this.count(reply), { poison: true });
        });
      },
      settled: () => this.answered() >= this.replies.sent,
    };
  }

  /** What its pushes got back so far; those not answered yet count as unanswered. */
  summary(): PoisonReplies {
    return { ...this.replies, unanswered: this.replies.sent - this.answered() };
  }

  close(): void {
    this.stopHeartbeats();
    this.socket.onChannelError = () => undefined;
    this.socket.close();
  }

  private count(reply: PhoenixReply): void {
    if (reply.status === 'ok') {
      this.replies.ok++;
      return;
    }
    const reason = reasonOf(reply);
    this.replies.errors[reason] = (this.replies.errors[reason] ?? 0) + 1;
  }

  private answered(): number {
    return this.replies.ok + Object.values(this.replies.errors).reduce((a, b) => a + b, 0);
  }
}

/** An error reply's `response.reason`, else its status (`error`, `closed`, …). */
function reasonOf(reply: PhoenixReply): string {
  const reason = (reply.response as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : reply.status;
}
