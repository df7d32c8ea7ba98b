import { mapWindowed, progress, withRetry } from '../concurrency.js';
import { postJson } from '../http.js';
import type { Options } from '../options.js';
import { wsBase } from '../options.js';
import { PhoenixSocket } from '../phoenix-client.js';

/**
 * Registrations in flight. bcrypt makes them CPU-bound on the server, so more would not be
 * faster; and Nestling's register holds one pool connection in its transaction while asking for
 * another (conversation directory), so as many concurrent registrations as the pool has
 * connections (10) deadlock the pool.
 */
const REGISTER_CONCURRENCY = 4;

export interface Member {
  userId: string;
  token: string;
  socket: PhoenixSocket;
  group: number;
  /** Position in its group: the sender part of a delivery stream. */
  position: number;
  topic: string;
  /** Next seq this member sends. */
  seq: number;
}

/**
 * Splits `count` members into groups of `size` (indices in order); a remainder too small to be a
 * group (one member) joins the last group.
 */
export function groupMembers(count: number, size: number): number[][] {
  const groups: number[][] = [];
  for (let start = 0; start < count; start += size) {
    groups.push(Array.from({ length: Math.min(size, count - start) }, (_, k) => start + k));
  }
  const last = groups.at(-1);
  if (groups.length > 1 && last !== undefined && last.length < 2) {
    groups.pop();
    groups.at(-1)!.push(...last);
  }
  return groups;
}

/** A new chat user (`POST /auth/register`): its id and access token. */
export async function register(
  url: string,
  email: string,
): Promise<{ userId: string; token: string }> {
  const body = (await postJson(
    `${url}/auth/register`,
    { email, password: 'Bench-password-1!' },
    { Accept: 'application/json' },
    [200, 201],
  )) as { auth_token?: unknown; user?: { id?: unknown } };
  if (typeof body.auth_token !== 'string' || typeof body.user?.id !== 'string') {
    throw new Error('register answered no auth_token or user id');
  }
  return { userId: body.user.id, token: body.auth_token };
}

/** A chat socket of the user whose access token this is (retried a few times). */
export function connectChat(url: string, token: string): Promise<PhoenixSocket> {
  const socketUrl = `${wsBase(url)}/socket/websocket?token=${encodeURIComponent(token)}&vsn=2.0.0`;
  return withRetry(() => PhoenixSocket.connect(socketUrl), { attempts: 5, pauseMs: 200 });
}

/**
 * Joins `system:general` (hidden) and starts a public conversation of this socket's user with
 * `userIds` (none: alone); resolves with its id.
 */
export async function startConversation(
  socket: PhoenixSocket,
  token: string,
  userIds: string[],
): Promise<string> {
  const joined = await socket.join('system:general', { token, hidden: true });
  if (joined.status !== 'ok') throw new Error(`join system:general: ${JSON.stringify(joined)}`);
  const started = await socket.push('system:general', 'start_conversation', {
    token,
    private: false,
    user_ids: userIds,
    message: 'hi',
    alias: 'bench',
  });
  if (started.status !== 'ok' || typeof started.response !== 'string') {
    throw new Error(`start_conversation: ${JSON.stringify(started)}`);
  }
  return started.response;
}

/** Joins `topic` (a `conversation:{id}`) with the user's token; throws on a refusal. */
export async function joinConversation(
  socket: PhoenixSocket,
  topic: string,
  token: string,
): Promise<void> {
  const reply = await socket.join(topic, { token });
  if (reply.status !== 'ok') throw new Error(`join ${topic}: ${JSON.stringify(reply)}`);
}

/** Registers, connects, creates the conversations and joins every member to its own. */
export async function setUpChat(
  options: Options,
): Promise<{ members: Member[]; groups: number[][] }> {
  const { url, sockets: count, batchSize, runId } = options;
  const accounts = await mapWindowed(
    count,
    REGISTER_CONCURRENCY,
    (i) => register(url, `bench${i}-${runId}@example.com`),
    progress('users registered', count),
  );
  const connections = await mapWindowed(
    count,
    batchSize,
    (i) => connectChat(url, accounts[i].token),
    progress('sockets connected', count),
  );
  const groups = groupMembers(count, options.groupSize);
  const conversationIds = await mapWindowed(
    groups.length,
    Math.min(batchSize, 50),
    (g) => {
      const [creator, ...others] = groups[g];
      const userIds = others.map((i) => accounts[i].userId);
      return startConversation(connections[creator], accounts[creator].token, userIds);
    },
    progress('conversations created', groups.length),
  );
  const members: Member[] = new Array<Member>(count);
  groups.forEach((group, g) =>
    group.forEach((i, position) => {
      members[i] = {
        ...accounts[i],
        socket: connections[i],
        group: g,
        position,
        topic: `conversation:${conversationIds[g]}`,
        seq: 0,
      };
    }),
  );
  await mapWindowed(
    count,
    batchSize,
    (i) => joinConversation(members[i].socket, members[i].topic, members[i].token),
    progress('conversation joins', count),
  );
  return { members, groups };
}
