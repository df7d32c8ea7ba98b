import {
  accept,
  Authenticator,
  type ConnectRequest,
  type ConnectResult,
  refuse,
  type SocketAuthenticator,
} from '../realtime/index.js';
import { PlayerPrincipal, playerSocketId } from './player-principal.js';
import { PlayerLookup } from './player-lookup.js';

/**
 * HoloQuest sockets: connect param `userToken` is a player id. Unknown, malformed or empty:
 * 403 before the upgrade. Without `userToken` the socket is not a player's.
 */
@Authenticator()
export class PlayerSocketAuthenticator implements SocketAuthenticator {
  constructor(private readonly players: PlayerLookup) {}

  async authenticate({ params }: ConnectRequest): Promise<ConnectResult> {
    if (params.userToken === undefined) return undefined;
    const player =
      typeof params.userToken === 'string' ? await this.players.find(params.userToken) : undefined;
    return player ? accept(new PlayerPrincipal(player.id), playerSocketId(player.id)) : refuse(403);
  }
}
