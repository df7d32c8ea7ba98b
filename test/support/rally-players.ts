import type { Channel, Socket } from 'phoenix';
import { connect, join } from './phoenix-client.js';

const JSON_API = 'application/vnd.api+json';

/** A stamp-rally player created over HTTP; its id is its socket credential (`userToken`). */
export async function createPlayer(
  baseUrl: string,
  bearer: string,
  nickname: string | null = null,
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/json/accounts/users`, {
    method: 'POST',
    headers: { accept: JSON_API, 'content-type': JSON_API, authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ data: { type: 'user', attributes: { nickname } } }),
  });
  if (res.status !== 201) throw new Error(`player not created: HTTP ${res.status}`);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

export interface JoinedPlayer {
  id: string;
  socket: Socket;
  channel: Channel;
}

/** Connects `playerId` to `socketUrl` and joins `topic` (the rally's notifications). */
export async function joinNotifications(
  socketUrl: string,
  playerId: string,
  topic = 'notifications',
): Promise<JoinedPlayer> {
  // Generous push timeout: numbered streams keep hundreds of pushes in flight.
  const socket = await connect(socketUrl, { params: { userToken: playerId }, timeout: 10_000 });
  const channel = socket.channel(topic, {});
  await join(channel);
  return { id: playerId, socket, channel };
}
