// Groups hold at most 100 members, the sender included (spec chat-api.md Part A; docs/chat.md):
// start_conversation and modify_conversation past it answer error `too_many_members`, and at
// exactly 100 they succeed. Real users: without the limit the same calls would succeed.
import type { Channel, Socket } from 'phoenix';
import pg from 'pg';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import { connect, disconnectAll, join, push, pushReply } from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const LIMIT = 100;

describe('chat: the group member limit (too_many_members)', () => {
  let t: TestApp;
  let db: pg.Client;
  let ann: RegisteredUser;
  /** LIMIT users besides ann: with her, one more than a group may hold. */
  let others: RegisteredUser[];
  let socket: Socket;
  let system: Channel;

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    ann = await registerUser(t.url);
    others = [];
    while (others.length < LIMIT)
      others.push(...(await Promise.all(Array.from({ length: 10 }, () => registerUser(t.url)))));
    socket = await connect(t.socketUrl, { params: { token: ann.authToken } });
    system = socket.channel('system:general', { token: ann.authToken });
    await join(system);
  }, 60_000);

  afterAll(async () => {
    await disconnectAll();
    await db.end();
    await t.close();
  });

  const ids = (users: RegisteredUser[]) => users.map((u) => u.id);
  const tooMany = { status: 'error', response: { reason: 'too_many_members' } };

  async function members(conversationId: string): Promise<number> {
    const { rows } = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM conversation_members WHERE conversation_id = $1',
      [conversationId],
    );
    return Number(rows[0].n);
  }

  const startGroup = (userIds: string[], alias: string) =>
    pushReply(system, 'start_conversation', {
      token: ann.authToken,
      private: false,
      user_ids: userIds,
      message: 'hello',
      alias,
    });

  it('start_conversation: 100 members is a group, 101 is too many (and nothing is created)', async () => {
    const full = await startGroup(ids(others.slice(0, LIMIT - 1)), 'full');
    expect(full).toEqual({ status: 'ok', response: expect.any(String) });
    expect(await members(full.response as string)).toBe(LIMIT);

    // The sender counts: 100 others plus ann is 101. Listing ann too changes nothing.
    expect(await startGroup(ids(others), 'over')).toEqual(tooMany);
    expect(await startGroup([...ids(others), ann.id], 'over')).toEqual(tooMany);
    const { rows } = await db.query("SELECT id FROM conversations WHERE alias = 'over'");
    expect(rows).toEqual([]);
  });

  it('modify_conversation: filling a group up to 100 works, one more is too many', async () => {
    const started = await startGroup(ids(others.slice(0, LIMIT - 3)), 'growing'); // 98 members
    expect(started).toEqual({ status: 'ok', response: expect.any(String) });
    const id = started.response as string;
    const channel = socket.channel(`conversation:${id}`, { token: ann.authToken });
    await join(channel);
    const modify = (newMembers: RegisteredUser[]) =>
      pushReply(channel, 'modify_conversation', {
        token: ann.authToken,
        new_members: ids(newMembers),
        alias: 'growing',
      });

    // 98 + 3 = 101: refused as a whole, nobody is added.
    expect(await modify(others.slice(LIMIT - 3))).toEqual(tooMany);
    expect(await members(id)).toBe(LIMIT - 2);
    // 98 + 2 = 100: fine.
    expect(await modify(others.slice(LIMIT - 3, LIMIT - 1))).toEqual({
      status: 'ok',
      response: {},
    });
    expect(await members(id)).toBe(LIMIT);
    // 100 + 1: too many.
    expect(await modify(others.slice(LIMIT - 1))).toEqual(tooMany);
    expect(await members(id)).toBe(LIMIT);
    // The channel is fine afterwards.
    expect(await push(channel, 'read_conversation', { token: ann.authToken })).toEqual({
      read_at: expect.any(String),
    });
  });
});
