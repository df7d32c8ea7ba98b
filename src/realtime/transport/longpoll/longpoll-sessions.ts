import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '../../../config/config.js';
import { RealtimeEndpoint } from '../../realtime-endpoint.js';
import type { HandshakeAccepted } from '../socket-handshake.js';
import { LongPollSession } from './longpoll-session.js';

/** The live LongPoll sessions of this node, by token. */
@Injectable()
export class LongPollSessions implements OnModuleDestroy {
  private readonly sessions = new Map<string, LongPollSession>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly endpoint: RealtimeEndpoint,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  get windowMs(): number {
    return this.config.realtime.longPollWindowMs;
  }

  /** A POSTed frame larger than this ends its session, as a WebSocket closes with 1009. */
  get maxFrameBytes(): number {
    return this.config.realtime.maxFrameBytes;
  }

  get(token: string | undefined): LongPollSession | undefined {
    return token === undefined ? undefined : this.sessions.get(token);
  }

  /** A new session whose connection is `handshake`'s. */
  open(handshake: HandshakeAccepted): LongPollSession {
    const token = randomBytes(24).toString('base64url');
    const session = new LongPollSession(token, (s) => {
      this.sessions.delete(s.token);
      s.connection.transportClosed();
    });
    session.connection = this.endpoint.accept(session, handshake);
    this.sessions.set(token, session);
    this.startSweep();
    return session;
  }

  onModuleDestroy(): void {
    if (this.sweep) clearInterval(this.sweep);
    for (const session of [...this.sessions.values()]) session.close();
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
