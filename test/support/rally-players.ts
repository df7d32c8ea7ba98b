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

/** The join payload that asks for presence on the notifications topics (it is opt-in). */
export const WITH_PRESENCE = { config: { presence: { enabled: true } } };

/**
 * Connects `playerId` to `socketUrl` and joins `topic` (the rally's notifications) with
 * `params` (`{}` as HoloQuest sends; WITH_PRESENCE to be tracked and told of presence).
 */
export async function joinNotifications(
  socketUrl: string,
  playerId: string,
  topic = 'notifications',
  params: object = {},
): Promise<JoinedPlayer> {
  // Generous push timeout: numbered streams keep hundreds of pushes in flight.
  const socket = await connect(socketUrl, { params: { userToken: playerId }, timeout: 10_000 });
  const channel = socket.channel(topic, params);
  await join(channel);
  return { id: playerId, socket, channel };
}
