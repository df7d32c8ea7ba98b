// A signed-in client of the newest web client (chat-encrypted spec, Part B.6) for e2e specs:
// socket, system:general, user:<me> with every delivery recorded, conversation joins.
import type { Channel, Socket } from 'phoenix';
import type { RegisteredUser } from './chat-users.js';
import type { Jwk } from './e2e-crypto.js';
import { collect, connect, join, waitFor } from './phoenix-client.js';

export interface EncryptedMessage {
  id: string;
  sender: string;
  content: string;
  inserted_at: string;
  updated_at: string;
  message_group: string;
}

export interface Delivery {
  conversation_id: string;
  message: EncryptedMessage;
}

export interface EncryptedJoinReply {
  conversation: { id: string; private: boolean; alias: string | null };
  users: Array<{ id: string; email: string; display_name: string }>;
  messages: { items: EncryptedMessage[]; page_token: string };
  read_times: Record<string, string | null>;
  public_keys: Record<string, Jwk>;
  private_key: Jwk | null;
  missed?: { items: EncryptedMessage[]; complete: boolean };
}

export interface EncryptedClient {
  user: RegisteredUser;
  socket: Socket;
  system: Channel;
  inbox: Channel;
  /** `new_message` deliveries on user:<me>, in arrival order. */
  received: Delivery[];
  /** `edit_message` deliveries on user:<me>. */
  edits: Delivery[];
  /** `new_conversation` payloads on user:<me>. */
  announced: Array<{ conversation: { id: string }; user_ids: string[] }>;
}

/** Connects, joins system:general and user:<me>, and records what arrives on user:<me>. */
export async function signIn(socketUrl: string, user: RegisteredUser): Promise<EncryptedClient> {
  const socket = await connect(socketUrl, { params: { token: user.authToken } });
  const system = socket.channel('system:general', { token: user.authToken, hidden: false });
  await join(system);
  const inbox = socket.channel(`user:${user.id}`, { token: user.authToken });
  const received = collect<Delivery>(inbox, 'new_message');
  const edits = collect<Delivery>(inbox, 'edit_message');
  const announced = collect<EncryptedClient['announced'][number]>(inbox, 'new_conversation');
  await join(inbox);
  return { user, socket, system, inbox, received, edits, announced };
}

/** Joins conversation:<id> (with extra params such as last_seen_id). */
export async function openConversation(
  client: EncryptedClient,
  conversationId: string,
  extra: Record<string, unknown> = {},
): Promise<{ channel: Channel; reply: EncryptedJoinReply }> {
  const channel = client.socket.channel(`conversation:${conversationId}`, {
    token: client.user.authToken,
    ...extra,
  });
  const reply = (await join(channel)) as EncryptedJoinReply;
  return { channel, reply };
}

/** The delivery of message group `group` to `client` (waits for it). */
export function deliveryOf(
  client: EncryptedClient,
  group: string,
  list: 'received' | 'edits' = 'received',
  timeoutMs = 2000,
): Promise<Delivery> {
  return waitFor<Delivery | undefined>(
    () => client[list].find((d) => d.message.message_group === group),
    timeoutMs,
    `${list} of ${group} to ${client.user.email}`,
  ) as Promise<Delivery>;
}
