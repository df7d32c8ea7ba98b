/** Who is on a socket opened with a stamp-rally `userToken` (a player id). */
export class PlayerPrincipal {
  constructor(readonly playerId: string) {}
}

/** The realtime socket id of a player: RealtimeEndpoint.disconnect() closes all of them. */
export const playerSocketId = (playerId: string): string => `player_socket:${playerId}`;
