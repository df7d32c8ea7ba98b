import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '../../../config/config.js';
import { ClusterBus } from '../../cluster/cluster-bus.js';
import { Presence } from '../../presence/presence.service.js';
import { RealtimeEndpoint } from '../../realtime-endpoint.js';
import type { HandshakeAccepted } from '../socket-handshake.js';
import { deliverLines } from './longpoll-post.js';
import { LongPollRelay, type OwnedSessions } from './longpoll-relay.js';
import { type PollResult, LongPollSession } from './longpoll-session.js';
import { newSessionToken, sessionOwner } from './longpoll-token.js';

/**
 * The LongPoll sessions of this node, by token. In a cluster a token names the node that owns
 * its session, and requests for another node's sessions are served by that node through the
 * bus (LongPollRelay), so that no load balancer stickiness is needed.
 */
@Injectable()
export class LongPollSessions implements OwnedSessions, OnModuleDestroy {
  private readonly sessions = new Map<string, LongPollSession>();
  private readonly relay: LongPollRelay | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly endpoint: RealtimeEndpoint,
    @Inject(CONFIG) private readonly config: Config,
    private readonly bus: ClusterBus,
    private readonly presence: Presence,
  ) {
    this.relay = bus.clustered
      ? new LongPollRelay(bus, this, { windowMs: this.windowMs })
      : undefined;
  }

  get windowMs(): number {
    return this.config.realtime.longPollWindowMs;
  }

  /** A POSTed frame larger than this ends its session, as a WebSocket closes with 1009. */
  get maxFrameBytes(): number {
    return this.config.realtime.maxFrameBytes;
  }

  /** A new session on this node whose connection is `handshake`'s. */
  open(handshake: HandshakeAccepted): LongPollSession {
    const token = newSessionToken(this.relay === undefined ? undefined : this.bus.self.name);
    const session = new LongPollSession(token, (s) => {
      this.sessions.delete(s.token);
      // LongPoll has no close frames: a session ends when its client stops polling (1000).
      s.connection.transportClosed(1000);
    });
    session.connection = this.endpoint.accept(session, handshake);
    this.sessions.set(token, session);
    this.startSweep();
    return session;
  }

  /**
   * The next messages of session `token`, wherever it lives (waits up to the window); undefined
   * when there is no such session. `abandoned`: the client went away.
   */
  poll(token: string, abandoned: AbortSignal): Promise<PollResult | undefined> {
    const remote = this.remote(token);
    return remote === undefined
      ? this.pollLocal(token, abandoned)
      : remote.relay.poll(remote.owner, token, abandoned);
  }

  /** Hands POSTed frames to session `token`, wherever it lives: 200, or 410 (no such session). */
  async post(token: string, lines: string[], ndjson: boolean): Promise<200 | 410> {
    const remote = this.remote(token);
    return remote === undefined
      ? this.postLocal(token, lines, ndjson)
      : remote.relay.post(remote.owner, token, lines, ndjson);
  }

  pollLocal(token: string, abandoned: AbortSignal): Promise<PollResult | undefined> {
    const session = this.sessions.get(token);
    if (session === undefined) return Promise.resolve(undefined);
    session.connection.touch();
    return session.poll(this.windowMs, abandoned);
  }

  postLocal(token: string, lines: string[], ndjson: boolean): 200 | 410 {
    const session = this.sessions.get(token);
    if (session === undefined || !session.open) return 410;
    return deliverLines(session, lines, ndjson, this.maxFrameBytes) ? 200 : 410;
  }

  onModuleDestroy(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.relay?.stop();
    for (const session of [...this.sessions.values()]) session.close();
  }

  /** The other node that owns `token`'s session; undefined when it is this one (or none). */
  private remote(token: string): { relay: LongPollRelay; owner: string } | undefined {
    const { relay } = this;
    const owner = sessionOwner(token);
    if (relay === undefined || owner === undefined || owner === this.bus.self.name)
      return undefined;
    // Only to a node heard from (presence heartbeats): a made-up owner is no session at once,
    // rather than a request waiting on the bus for a node that does not exist.
    if (!this.presence.nodes().includes(owner)) return undefined;
    return { relay, owner };
  }

  /** Sessions not polled for 1.5 windows end, as a closed socket would. */
  private startSweep(): void {
    if (this.sweep !== undefined) return;
    const maxSilence = this.windowMs * 1.5;
    this.sweep = setInterval(
      () => {
        const deadline = Date.now() - maxSilence;
        for (const session of this.sessions.values())
          if (session.lastPoll < deadline) session.close();
      },
      Math.max(50, Math.floor(maxSilence / 3)),
    );
    this.sweep.unref();
  }
}
