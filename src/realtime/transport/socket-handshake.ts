import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RateLimitedLog } from '../../common/logging/rate-limited-log.js';
import { CONFIG, type Config } from '../../config/config.js';
import { SOCKET_AUTHENTICATOR } from '../channels/channel.decorators.js';
import { SocketInfo } from '../channels/socket-info.js';
import { RealtimeCounters } from '../telemetry/realtime-counters.js';
import {
  negotiateVsn,
  originAllowed,
  parseConnectParams,
  parseSubprotocols,
  selectSubprotocol,
} from './handshake.js';
import type { Serializer } from './serializer.js';
import { isRefusal, type SocketAuthenticator } from './socket-authenticator.js';
import { SERIALIZERS } from './serializers.js';

/** An accepted handshake: how to frame the connection and who is on it. */
export interface HandshakeAccepted {
  status: 101;
  serializer: Serializer;
  /** The subprotocol to answer with (`phoenix`), when the client offered any. */
  protocol: string | undefined;
  socket: SocketInfo;
}

export interface HandshakeRefused {
  status: number;
  reason: string;
}

export type HandshakeResult = HandshakeAccepted | HandshakeRefused;

/** A connection attempt, whatever the transport. */
export interface HandshakeInput {
  transport: 'websocket' | 'longpoll';
  /** The query string without `?`. */
  search: string;
  origin: string | undefined;
  /** WebSocket: the Sec-WebSocket-Protocol header (subprotocols and the auth token). */
  subprotocols?: string | string[];
  /** LongPoll: the raw X-Phoenix-AuthToken header. */
  authToken?: string;
  remoteAddress: string;
  userAgent: string | undefined;
}

export const isAccepted = (result: HandshakeResult): result is HandshakeAccepted =>
  result.status === 101;

/**
 * Everything that happens before the upgrade (Phoenix's transport connect): origin check,
 * `vsn` negotiation, subprotocols and the auth token, then the socket authenticators.
 */
@Injectable()
export class SocketHandshake implements OnModuleInit {
  private readonly logger = new Logger('Socket');
  /** Refusals are a client's to cause at will: at most one line per second. */
  private readonly refusals = new RateLimitedLog((line) => this.logger.log(line));
  private readonly serializers = SERIALIZERS;
  private authenticators: SocketAuthenticator[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(CONFIG) private readonly config: Config,
    private readonly counters: RealtimeCounters,
  ) {}

  onModuleInit(): void {
    const found = this.discovery.getProviders().flatMap((wrapper) => {
      const meta: unknown = wrapper.metatype
        ? Reflect.getMetadata(SOCKET_AUTHENTICATOR, wrapper.metatype)
        : undefined;
      if (!wrapper.instance || !meta) return [];
      return [
        {
          instance: wrapper.instance as SocketAuthenticator,
          priority: (meta as { priority: number }).priority,
        },
      ];
    });
    // Array.prototype.sort is stable: equal priorities keep their discovery order.
    this.authenticators = found.sort((a, b) => b.priority - a.priority).map((f) => f.instance);
  }

  /** Runs the handshake; a refusal is logged (rate limited) with its reason and peer. */
  async evaluate(input: HandshakeInput): Promise<HandshakeResult> {
    const result = await this.decide(input);
    if (!isAccepted(result)) this.logRefusal(input.transport, input.remoteAddress, result);
    return result;
  }

  /**
   * Counts and logs a refused connection: reason and peer address only, never the token or
   * query (operators' recent refusals get the status and reason only).
   */
  logRefusal(transport: HandshakeInput['transport'], peer: string, refused: HandshakeRefused) {
    this.counters.refused(transport, refused.status, refused.reason);
    this.refusals.log(
      () => `refused ${transport} connection from ${peer}: ${refused.status} ${refused.reason}`,
    );
  }

  private async decide(input: HandshakeInput): Promise<HandshakeResult> {
    const { origin, remoteAddress } = input;
    if (!originAllowed(origin, this.config.realtime.allowedOrigins)) {
      return { status: 403, reason: 'origin not allowed' };
    }
    const params = parseConnectParams(input.search);
    const vsn = negotiateVsn(params.vsn);
    if (vsn === undefined) return { status: 403, reason: 'unsupported vsn' };
    let authToken = input.authToken;
    let protocol: string | undefined;
    if (input.transport === 'websocket') {
      const subprotocols = parseSubprotocols(input.subprotocols);
      if (subprotocols.invalidAuthToken)
        return { status: 403, reason: 'invalid auth token encoding' };
      const selected = selectSubprotocol(subprotocols.offered);
      if (!selected.ok) return { status: 403, reason: 'no supported subprotocol' };
      authToken = subprotocols.authToken;
      protocol = selected.protocol;
    }
    const request = { params, authToken, remoteAddress, userAgent: input.userAgent, origin };
    for (const authenticator of this.authenticators) {
      let result;
      try {
        result = await authenticator.authenticate(request);
      } catch (error) {
        this.logger.error(
          `socket authenticator failed: ${error instanceof Error ? error.stack : String(error)}`,
        );
        return { status: 503, reason: 'authenticator failed' };
      }
      if (result === undefined) continue;
      if (isRefusal(result)) return { status: result.refuse, reason: 'refused by authenticator' };
      return {
        status: 101,
        serializer: this.serializers[vsn],
        protocol,
        socket: new SocketInfo(result.principal, result.id, vsn, input.transport, remoteAddress),
      };
    }
    return { status: 403, reason: 'no authenticator accepted the connection' };
  }
}
