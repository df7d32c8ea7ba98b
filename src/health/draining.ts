import {
  Authenticator,
  type ConnectResult,
  refuse,
  type SocketAuthenticator,
} from '../realtime/index.js';

/**
 * Whether this node is draining (shutting down gracefully). Once it is, it is not ready
 * (`/health/ready` answers 503, so that load balancers send nothing new) and it refuses new
 * sockets with 503 before anything else looks at them: it is a socket authenticator asked
 * before every other, so WebSocket upgrades and new LongPoll sessions are both refused.
 */
@Authenticator({ priority: Number.MAX_SAFE_INTEGER })
export class Draining implements SocketAuthenticator {
  private draining = false;

  get active(): boolean {
    return this.draining;
  }

  /** From now on: not ready, no new sockets. There is no way back (the node is stopping). */
  begin(): void {
    this.draining = true;
  }

  authenticate(): ConnectResult {
    return this.draining ? refuse(503) : undefined;
  }
}
