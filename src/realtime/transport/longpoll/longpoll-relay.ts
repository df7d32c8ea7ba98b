import { Logger } from '@nestjs/common';
import { RateLimitedLog } from '../../../common/logging/rate-limited-log.js';
import type { BusMessage, ClusterBus } from '../../cluster/cluster-bus.js';
import type { PollResult } from './longpoll-session.js';
import {
  decodeRelayReply,
  decodeRelayRequest,
  encodeRelayMessage,
  LONGPOLL_REPLY,
  LONGPOLL_REQUEST,
  type RelayReply,
  type RelayRequest,
} from './longpoll-wire.js';
import { PendingReplies } from './pending-replies.js';

/** How long past its window (a POST: at all) a forwarded request may wait for the owner. */
export const FORWARD_MARGIN_MS = 3000;
/** Forwarded requests waiting for their owner at once, at most (then: as if it did not answer). */
export const MAX_FORWARDED = 10_000;

/** What the owner of a session does with requests, whichever node received them. */
export interface OwnedSessions {
  /** The session's next messages (waits up to the window); undefined: no such session here. */
  pollLocal(token: string, abandoned: AbortSignal): Promise<PollResult | undefined>;
  /** Hands the frames to the session: 200, or 410 when it is unknown or ended. */
  postLocal(token: string, lines: string[], ndjson: boolean): 200 | 410;
}

export interface RelayOptions {
  windowMs: number;
  marginMs?: number;
  maxForwarded?: number;
}

/**
 * LongPoll without sticky sessions, as Phoenix routes LongPoll through its PubSub: a request
 * that reaches a node other than its session's owner travels to the owner on the bus, the
 * owner runs it against the session and sends back the result, and the receiving node answers
 * the HTTP request with it. An owner that does not answer within the window plus a margin (it
 * died, or left the bus) counts as holding no such session, so the client starts a new one.
 */
export class LongPollRelay {
  private readonly logger = new Logger('LongPoll');
  private readonly warnings = new RateLimitedLog((line) => this.logger.warn(line), 5000);
  private readonly pending: PendingReplies<RelayReply>;
  /** Polls served here for other nodes, by requester and id, so that they can be abandoned. */
  private readonly serving = new Map<string, AbortController>();
  private readonly windowMs: number;
  private readonly marginMs: number;

  constructor(
    private readonly bus: ClusterBus,
    private readonly sessions: OwnedSessions,
    { windowMs, marginMs = FORWARD_MARGIN_MS, maxForwarded = MAX_FORWARDED }: RelayOptions,
  ) {
    this.windowMs = windowMs;
    this.marginMs = marginMs;
    this.pending = new PendingReplies(bus.self.boot, maxForwarded);
    bus.on(LONGPOLL_REQUEST, (message) => void this.serve(message));
    bus.on(LONGPOLL_REPLY, (message) => this.receiveReply(message));
  }

  /** Waiting forwarded requests (for tests and metrics). */
  get forwarded(): number {
    return this.pending.size;
  }

  /** Polls `token` on `owner`: the result, or undefined when `owner` has no such session. */
  async poll(
    owner: string,
    token: string,
    abandoned: AbortSignal,
  ): Promise<PollResult | undefined> {
    if (abandoned.aborted) return undefined;
    const started = this.pending.start(owner, this.windowMs + this.marginMs);
    if (started === undefined) {
      this.overloaded(owner);
      return undefined;
    }
    const { id, reply } = started;
    const abandon = () => {
      if (this.pending.cancel(id)) this.request(owner, { op: 'abandon', id });
    };
    abandoned.addEventListener('abort', abandon, { once: true });
    this.request(owner, { op: 'poll', id, token });
    const answer = await reply;
    abandoned.removeEventListener('abort', abandon);
    if (answer === undefined) {
      if (!abandoned.aborted) this.noAnswer(owner);
      return undefined;
    }
    return answer.status === 410 ? undefined : { status: answer.status, messages: answer.messages };
  }

  /** Posts `lines` to `token` on `owner`: 200, or 410 when it has no such session. */
  async post(owner: string, token: string, lines: string[], ndjson: boolean): Promise<200 | 410> {
    const started = this.pending.start(owner, this.marginMs);
    if (started === undefined) {
      this.overloaded(owner);
      return 410;
    }
    this.request(owner, { op: 'post', id: started.id, token, lines, ndjson });
    const answer = await started.reply;
    if (answer === undefined) this.noAnswer(owner);
    return answer?.status === 200 ? 200 : 410;
  }

  /** The node stops: waiting requests end with nothing (the client polls again elsewhere). */
  stop(): void {
    this.pending.settleAll({ id: '', status: 204, messages: [] });
  }

  /** On the owner: runs another node's request against the local session. */
  private async serve({ origin, body }: BusMessage): Promise<void> {
    const request = decodeRelayRequest(body);
    if (request === undefined) {
      this.warnings.log(`undecodable LongPoll request from ${origin.name} dropped`);
      return;
    }
    const requester = origin.name;
    const key = `${requester} ${request.id}`;
    switch (request.op) {
      case 'abandon':
        this.serving.get(key)?.abort();
        return;
      case 'post': {
        const status = this.sessions.postLocal(request.token, request.lines, request.ndjson);
        return this.answer(requester, { id: request.id, status, messages: [] });
      }
      case 'poll': {
        if (this.serving.has(key)) return;
        const abandoned = new AbortController();
        this.serving.set(key, abandoned);
        let result: PollResult | undefined;
        try {
          result = await this.sessions.pollLocal(request.token, abandoned.signal);
        } finally {
          this.serving.delete(key);
        }
        if (abandoned.signal.aborted) return;
        const { status, messages } = result ?? { status: 410, messages: [] };
        this.answer(requester, { id: request.id, status, messages });
      }
    }
  }

  /** On the requester: the owner's answer. */
  private receiveReply({ origin, body }: BusMessage): void {
    const reply = decodeRelayReply(body);
    if (reply !== undefined) this.pending.settle(reply.id, origin.name, reply);
  }

  private request(owner: string, request: RelayRequest): void {
    this.bus.send(owner, LONGPOLL_REQUEST, encodeRelayMessage(request));
  }

  private answer(requester: string, reply: RelayReply): void {
    this.bus.send(requester, LONGPOLL_REPLY, encodeRelayMessage(reply));
  }

  private noAnswer(owner: string): void {
    this.warnings.log(
      () => `${owner} did not answer a forwarded request; its session counts as gone`,
    );
  }

  private overloaded(owner: string): void {
    this.warnings.log(
      () => `${this.pending.size} forwarded requests waiting; one for ${owner} refused`,
    );
  }
}
