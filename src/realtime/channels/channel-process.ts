import type { Logger } from '@nestjs/common';
import type { Broadcast } from '../pubsub/broadcast.js';
import type { PubSub, Subscriber } from '../pubsub/pubsub.js';
import { Binary, type Frame, type Message, PHX } from '../transport/message.js';
import type { Serializer } from '../transport/serializer.js';
import { ChannelContext, type ChannelOps, type TerminateReason } from './channel-context.js';
import type { HandlerEntry } from './channel.decorators.js';
import type { ChannelDefinition } from './channel-registry.js';
import { checkPayload, invalidPayloadReply } from './payload-check.js';
import type { PayloadIssue } from './payload-schema.js';
import { error, ok, type Reply, replyForError, toReply } from './reply.js';
import type { SocketInfo } from './socket-info.js';

/** What a channel needs from its connection. */
export interface ChannelHost {
  readonly serializer: Serializer;
  readonly socket: SocketInfo;
  readonly pubsub: PubSub;
  readonly logger: Logger;
  send(message: Message): void;
  write(frame: Frame): void;
  removeChannel(channel: ChannelProcess): void;
}

type Handler = (...args: unknown[]) => unknown;

function assertPayload(payload: unknown): void {
  if (payload instanceof Binary) return;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('push and broadcast payloads must be JSON objects or binary');
  }
}

/**
 * One channel incarnation on one socket: runs its handlers one message at a time (in order),
 * turns their results into replies, and receives the topic's broadcasts (fastlane, or through
 * the channel's outgoing hook).
 */
export class ChannelProcess implements Subscriber, ChannelOps {
  readonly ctx: ChannelContext;
  private state: 'joining' | 'joined' | 'closed' = 'joining';
  /** Pushes made while the join handler runs; sent after the join reply. */
  private pending: Message[] | undefined;
  /** Events waiting for the handler (made on first use: most channels of a crowd stay idle). */
  private inbox: Array<() => Promise<void>> | undefined;
  private running = false;
  private closeRequested = false;
  private terminators: Array<(reason: TerminateReason) => void> | undefined;
  /** Set while a handler runs: callbacks to run after its reply. */
  private replyFollowers: Array<() => void> | undefined;
  /** Broadcast events this client is not sent (`ctx.mute`); undefined for most channels. */
  private muted: string[] | undefined;

  constructor(
    private readonly host: ChannelHost,
    private readonly definition: ChannelDefinition,
    readonly topic: string,
    /** The join_ref as the client sent it (null for some third-party clients). */
    readonly joinRef: string | null,
    /** The join_ref put on pushes and replies: the join's join_ref, else its ref. */
    private readonly pushJoinRef: string | null,
    params: unknown,
  ) {
    this.ctx = new ChannelContext(topic, params, host.socket, this);
  }

  get alive(): boolean {
    return this.state !== 'closed';
  }

  // ── join ────────────────────────────────────────────────────────────────

  /** Runs the join handler. Status "ok" accepts; anything else refuses. */
  async runJoin(): Promise<Reply> {
    const entry = this.definition.handlers.join;
    const checked = checkPayload(this.ctx.params, entry?.payload);
    try {
      if (!checked.ok) {
        const refusal = await this.invalidPayloadReply(checked.issues, this.ctx.params, PHX.join);
        return refusal.status === 'ok' ? invalidPayloadReply(checked.issues) : refusal;
      }
      if (entry === undefined) return ok({});
      return toReply(await this.call(entry.method, [checked.value, this.ctx])) ?? ok({});
    } catch (err) {
      const mapped = replyForError(err);
      if (mapped) return mapped;
      this.logFailure('join', err);
      return error({ reason: 'join crashed' });
    }
  }

  /** After the ok join reply was written: subscribe-time pushes go out, events may run. */
  activate(): void {
    if (this.state !== 'joining') return;
    this.state = 'joined';
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) for (const message of pending) this.host.send(message);
    if (this.closeRequested) this.schedule(async () => this.closeGracefully('close'));
  }

  /** The join was refused: clean up what the join handler set up. */
  discard(): void {
    this.end('close', false);
  }

  // ── inbound ─────────────────────────────────────────────────────────────

  /** Queues a client event for its handler. */
  enqueue(message: Message): void {
    this.schedule(() => this.handleEvent(message));
  }

  /** phx_leave: after the queued events, reply ok, then phx_close, then terminate. */
  leave(ref: string | null): void {
    this.schedule(async () => {
      this.sendReply(ref, ok({}));
      this.closeGracefully('leave');
    });
  }

  /** Ends the channel at once, sending nothing (socket closed, duplicate join, shutdown). */
  kill(reason: TerminateReason): void {
    this.end(reason, true);
  }

  private async handleEvent(message: Message): Promise<void> {
    const { events } = this.definition.handlers;
    const entry: HandlerEntry | undefined = events.get(message.event) ?? events.get('*');
    if (entry === undefined) {
      this.sendReply(message.ref, error({ reason: 'unknown event' }));
      return;
    }
    const checked = checkPayload(message.payload, entry.payload);
    let reply: Reply | undefined;
    const followers: Array<() => void> = [];
    this.replyFollowers = followers;
    try {
      reply = checked.ok
        ? toReply(await this.call(entry.method, [checked.value, this.ctx, message.event]))
        : await this.invalidPayloadReply(checked.issues, message.payload, message.event);
    } catch (err) {
      reply = replyForError(err);
      if (reply === undefined) {
        this.replyFollowers = undefined;
        this.crash(message.event, err);
        return;
      }
    }
    this.replyFollowers = undefined;
    if (reply !== undefined) this.sendReply(message.ref, reply);
    for (const follower of followers) this.runSafely('afterReply', follower);
    if (this.closeRequested) this.closeGracefully('close');
  }

  /** The channel's @InvalidPayload answer, else the framework's. */
  private async invalidPayloadReply(
    issues: PayloadIssue[],
    payload: unknown,
    event: string,
  ): Promise<Reply> {
    const method = this.definition.handlers.invalidPayload;
    if (method === undefined) return invalidPayloadReply(issues);
    return (
      toReply(await this.call(method, [issues, payload, this.ctx, event])) ??
      invalidPayloadReply(issues)
    );
  }

  // ── outbound ────────────────────────────────────────────────────────────

  push(event: string, payload: unknown): void {
    assertPayload(payload);
    if (this.state === 'closed') return;
    const message = { joinRef: this.pushJoinRef, ref: null, topic: this.topic, event, payload };
    if (this.state === 'joining') (this.pending ??= []).push(message);
    else this.host.send(message);
  }

  broadcast(event: string, payload: unknown, excludeSelf: boolean): void {
    assertPayload(payload);
    this.host.pubsub.broadcast(this.topic, event, payload, excludeSelf ? this : undefined);
  }

  close(): void {
    this.closeRequested = true;
  }

  afterReply(callback: () => void): void {
    if (this.replyFollowers) this.replyFollowers.push(callback);
    else this.runSafely('afterReply', callback);
  }

  private runSafely(where: string, callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.logFailure(where, err);
    }
  }

  onTerminate(callback: (reason: TerminateReason) => void): void {
    if (this.state === 'closed') callback('close');
    else (this.terminators ??= []).push(callback);
  }

  mute(event: string): void {
    if (this.muted === undefined) this.muted = [event];
    else if (!this.muted.includes(event)) this.muted.push(event);
  }

  /** A broadcast on the topic: written as is, or through the channel's outgoing hook. */
  deliver(broadcast: Broadcast): void {
    if (this.state !== 'joined') return;
    if (this.muted !== undefined && this.muted.includes(broadcast.event)) return;
    const hook = this.definition.handlers.outgoing.get(broadcast.event);
    if (hook === undefined) {
      this.host.write(broadcast.frameFor(this.host.serializer));
      return;
    }
    try {
      const result = this.call(hook, [broadcast.payload, this.ctx, broadcast.event]);
      if (result instanceof Promise) {
        result.then(
          (payload) => this.pushOutgoing(broadcast.event, payload),
          (err: unknown) => this.crash(broadcast.event, err),
        );
      } else {
        this.pushOutgoing(broadcast.event, result);
      }
    } catch (err) {
      this.crash(broadcast.event, err);
    }
  }

  private pushOutgoing(event: string, payload: unknown): void {
    if (payload !== undefined && this.state === 'joined') this.push(event, payload);
  }

  private sendReply(ref: string | null, reply: Reply): void {
    if (this.state === 'closed') return;
    this.host.send({
      joinRef: this.pushJoinRef,
      ref,
      topic: this.topic,
      event: PHX.reply,
      payload: { status: reply.status, response: reply.response },
    });
  }

  // ── endings ─────────────────────────────────────────────────────────────

  private closeGracefully(reason: TerminateReason): void {
    if (this.state === 'closed') return;
    this.host.send({
      joinRef: this.joinRef,
      ref: this.joinRef,
      topic: this.topic,
      event: PHX.close,
      payload: {},
    });
    this.end(reason, true);
  }

  /**
   * Ends the channel with `phx_error` (the client rejoins, and recovers what it missed the way
   * it would after a crash) without blaming a handler: the bus lost messages for this node.
   */
  resync(): void {
    if (this.state !== 'joined') return;
    this.sendError();
    this.end('crash', true);
  }

  private crash(where: string, err: unknown): void {
    if (this.state === 'closed') return;
    this.logFailure(where, err);
    this.sendError();
    this.end('crash', true);
  }

  private sendError(): void {
    this.host.send({
      joinRef: this.joinRef,
      ref: this.joinRef,
      topic: this.topic,
      event: PHX.error,
      payload: { reason: 'channel_crash' },
    });
  }

  private end(reason: TerminateReason, runTerminateHook: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.inbox = undefined;
    this.pending = undefined;
    this.host.pubsub.unsubscribe(this.topic, this);
    this.host.removeChannel(this);
    const terminators = this.terminators ?? [];
    this.terminators = undefined;
    for (const callback of terminators) {
      try {
        callback(reason);
      } catch (err) {
        this.logFailure('terminate callback', err);
      }
    }
    const hook = this.definition.handlers.terminate;
    if (runTerminateHook && hook !== undefined) {
      Promise.resolve()
        .then(() => this.call(hook, [reason, this.ctx]))
        .catch((err: unknown) => this.logFailure('terminate', err));
    }
  }

  // ── plumbing ────────────────────────────────────────────────────────────

  private schedule(job: () => Promise<void>): void {
    if (this.state === 'closed') return;
    (this.inbox ??= []).push(job);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      let job: (() => Promise<void>) | undefined;
      while (this.state !== 'closed' && (job = this.inbox?.shift()) !== undefined) {
        try {
          await job();
        } catch (err) {
          this.crash('handler', err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private call(method: string, args: unknown[]): unknown {
    const fn = this.definition.instance[method] as Handler;
    return fn.apply(this.definition.instance, args);
  }

  private logFailure(where: string, err: unknown): void {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.host.logger.error(`${this.definition.name} ${this.topic} ${where} failed: ${detail}`);
  }
}
