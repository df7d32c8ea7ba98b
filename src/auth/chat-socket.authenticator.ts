import {
  accept,
  Authenticator,
  type ConnectRequest,
  type ConnectResult,
  refuse,
  type SocketAuthenticator,
} from '../realtime/index.js';
import { AccessTokens } from './access-tokens.js';
import { ChatPrincipal } from './chat-principal.js';
import { chatSocketId } from './socket-id.js';

/**
 * Chat sockets: connect param `token` (or the phoenix.js `authToken`) is an access token.
 * Missing from both: not a chat socket (another authenticator may claim it). Invalid, expired
 * or revoked: 403 before the upgrade.
 */
@Authenticator()
export class ChatSocketAuthenticator implements SocketAuthenticator {
  constructor(private readonly accessTokens: AccessTokens) {}

  async authenticate({ params, authToken }: ConnectRequest): Promise<ConnectResult> {
    const token = typeof params.token === 'string' ? params.token : authToken;
    if (token === undefined) return undefined;
    const userId = await this.accessTokens.userIdOf(token);
    return userId ? accept(new ChatPrincipal(userId), chatSocketId(userId)) : refuse(403);
  }
}
