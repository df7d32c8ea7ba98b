import { Inject } from '@nestjs/common';
import { tokenMatches } from '../common/security/token-matches.js';
import { CONFIG, type Config } from '../config/config.js';
import {
  accept,
  Authenticator,
  type ConnectRequest,
  type ConnectResult,
  type SocketAuthenticator,
} from '../realtime/index.js';
import {
  DASHBOARD_PARAM,
  DashboardOperator,
  NO_ADMIN_TOKEN,
  UNAUTHORIZED,
} from './dashboard-operator.js';

/**
 * Dashboard sockets: connect param `dashboard`, ADMIN_API_TOKEN as the phoenix.js `authToken`
 * (the `base64url.bearer.phx.` subprotocol), compared in constant time. Asked before the
 * products' authenticators (priority 10), so that the chat's never takes the admin token for an
 * access token. The socket is accepted whatever the token; a missing or wrong one is refused by
 * the channel's join, which tells the page why (an HTTP refusal before the upgrade reaches a
 * browser as a bare connection error).
 */
@Authenticator({ priority: 10 })
export class DashboardAuthenticator implements SocketAuthenticator {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  authenticate({ params, authToken }: ConnectRequest): ConnectResult {
    if (params[DASHBOARD_PARAM] === undefined) return undefined;
    return accept(new DashboardOperator(this.refusal(authToken)));
  }

  private refusal(token: string | undefined): string | undefined {
    const expected = this.config.rally.adminToken;
    if (expected === undefined) return NO_ADMIN_TOKEN;
    return token !== undefined && tokenMatches(token, expected) ? undefined : UNAUTHORIZED;
  }
}
