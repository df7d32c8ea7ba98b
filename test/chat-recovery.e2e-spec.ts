// Recovery after a reconnect (last_seen_id → missed), client_msg_id idempotency and message
// pagination (join reply + GET /api/messages). Spec: chat-api.md Part A items 2, 15, 21, 22, Part C §7.
import { randomUUID } from 'node:crypto';
import type { Channel, Socket } from 'phoenix';
import pg from 'pg';
import request from 'supertest';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import {
  collect,
  connect,
  disconnect,
  disconnectAll,
  join,
  leave,
  push,
  sleep,
  waitFor,
} from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import type { MessageJson } from '../src/conversations/chat-json.js';

const MISSED_LIMIT = 40;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHAT_TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Page {
  items: MessageJson[];
  page_token: string;
}

interface Missed {
  items: MessageJson[];
  complete: boolean;
}

interface JoinReply {
  conversation: { id: string };
  users: Array<{ id: string }>;
  messages: Page;
  read_times: Record<string, string | null>;
  missed?: Missed;
}

/** A message row as PostgreSQL orders it: `at` is inserted_at in UTC with microseconds. */
interface DbRow {
  id: string;
  at: string;
}

describe('chat recovery, idempotency and pagination', () => {
  let t: TestApp;
  let db: pg.Client;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser; // never a member of anything here
  let annSocket: Socket;
  let annSystem: Channel;

  beforeAll(async () => {
    t = await startTestApp({ CHAT_MISSED_LIMIT: String(MISSED_LIMIT) });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    [ann, bob, carol] = await Promise.all([
      registerUser(t.url),
      registerUser(t.url),
      registerUser(t.url),
    ]);
    annSocket = await socketOf(ann);
    annSystem = annSocket.channel('system:general', { token: ann.authToken });
    await join(annSystem);
  });

  afterAll(async () => {
    await disconnectAll();
    await db.end();
    await t.close();
  });

  // ---- helpers ------------------------------------------------------------------------------

  const socketOf = (user: RegisteredUser): Promise<Socket> =>
    connect(t.socketUrl, { params: { token: user.authToken } });

  let groups = 0;

  /** A group ann starts with `others` over system:general; the ok reply is the bare id. */
  async function startGroup(others: RegisteredUser[], message = 'first'): Promise<string> {
    const id = await push(annSystem, 'start_conversation', {
      token: ann.authToken,
      user_ids: others.map((u) => u.id),
      private: false,
      message,
      alias: `recovery ${++groups}`,
    });
    expect(id).toEqual(expect.stringMatching(UUID));
    return id as string;
  }

  async function joinConversation(
    socket: Socket,
    user: RegisteredUser,
    conversationId: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ channel: Channel; reply: JoinReply }> {
    const channel = socket.channel(`conversation:${conversationId}`, {
      token: user.authToken,
      ...extra,
    });
    const reply = (await join(channel)) as JoinReply;
    return { channel, reply };
  }

  /** Joins with `extra` params, returns the reply and leaves again. */
  async function joinOnce(
    socket: Socket,
    user: RegisteredUser,
    conversationId: string,
    extra: Record<string, unknown>,
  ): Promise<JoinReply> {
    const { channel, reply } = await joinConversation(socket, user, conversationId, extra);
    await leave(channel);
    return reply;
  }

  async function send(
    channel: Channel,
    user: RegisteredUser,
    content: string,
    clientMsgId?: string,
  ): Promise<MessageJson> {
    const payload: Record<string, unknown> = { token: user.authToken, content };
    if (clientMsgId !== undefined) payload.client_msg_id = clientMsgId;
    const reply = (await push(channel, 'send_message', payload)) as { message: MessageJson };
    return reply.message;
  }

  /** Sends one after the other (awaiting each reply), so the send order is the stored order. */
  async function sendMany(
    channel: Channel,
    user: RegisteredUser,
    count: number,
    prefix: string,
  ): Promise<MessageJson[]> {
    const sent: MessageJson[] = [];
    for (let i = 0; i < count; i++) sent.push(await send(channel, user, `${prefix} ${i}`));
    return sent;
  }

  /** Live messages of a conversation as PostgreSQL orders them; `order` 'desc' = newest first. */
  async function dbOrder(conversationId: string, order: 'asc' | 'desc'): Promise<DbRow[]> {
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    const { rows } = await db.query<DbRow>(
      `SELECT id::text AS id,
              to_char(inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at
         FROM messages
        WHERE conversation_id = $1 AND deleted_at IS NULL
        ORDER BY inserted_at ${dir}, id ${dir}`,
      [conversationId],
    );
    return rows;
  }

  /** Rows straight into the table: `count` messages from ann at the given SQL instant expression. */
  async function insertRows(
    conversationId: string,
    count: number,
    atExpr: string,
    prefix: string,
  ): Promise<void> {
    await db.query(
      `INSERT INTO messages (conversation_id, sender_id, content, inserted_at, updated_at)
       SELECT $1, $2, $3 || ' ' || i, ${atExpr}, ${atExpr}
         FROM generate_series(1, $4::int) AS i`,
      [conversationId, ann.id, prefix, count],
    );
  }

  const getMessages = (query: Record<string, string>, bearer: string | null = ann.bearer) => {
    const req = request(t.url).get('/api/messages').query(query);
    return bearer === null ? req : req.set('Authorization', bearer);
  };

  /** Every page of GET /api/messages, following page_token until "". */
  async function allPages(conversationId: string, pageSize: number): Promise<Page[]> {
    const pages: Page[] = [];
    let token = '';
    do {
      const query: Record<string, string> = {
        conversation_id: conversationId,
        page_size: String(pageSize),
      };
      if (token !== '') query.page_token = token;
      const res = await getMessages(query).expect(200);
      const page = (res.body as { messages: Page }).messages;
      expect(Object.keys(res.body as object)).toEqual(['messages']);
      expect(typeof page.page_token).toBe('string');
      pages.push(page);
      token = page.page_token;
      if (pages.length > 500) throw new Error('page_token never became ""');
    } while (token !== '');
    return pages;
  }

  /** `(at, id)` strictly decreasing along `ids` (full precision, from the database). */
  function expectStrictlyNewestFirst(ids: string[], rows: DbRow[]): void {
    const at = new Map(rows.map((r) => [r.id, r.at]));
    for (let i = 1; i < ids.length; i++) {
      const prev = [at.get(ids[i - 1])!, ids[i - 1]] as const;
      const cur = [at.get(ids[i])!, ids[i]] as const;
      const before = prev[0] > cur[0] || (prev[0] === cur[0] && prev[1] > cur[1]);
      if (!before)
        throw new Error(`not newest first at ${i}: ${prev.join(' ')} / ${cur.join(' ')}`);
    }
  }

  const ids = (items: Array<{ id: string }>) => items.map((m) => m.id);

  function expectMessageShape(m: MessageJson): void {
    expect(Object.keys(m).sort()).toEqual(['content', 'id', 'inserted_at', 'sender', 'updated_at']);
    expect(m.id).toMatch(UUID);
    expect(m.inserted_at).toMatch(CHAT_TS);
    expect(m.updated_at).toMatch(CHAT_TS);
  }

  // ---- 0. the conversations the tests below need ------------------------------------------

  it('start_conversation replies ok with the bare id of the new group', async () => {
    const alias = `recovery ${++groups}`;
    const id = await push(annSystem, 'start_conversation', {
      token: ann.authToken,
      user_ids: [bob.id],
      private: false,
      message: 'hello group',
      alias,
    });
    const { rows } = await db.query<{ id: string }>(
      'SELECT id::text AS id FROM conversations WHERE alias = $1',
      [alias],
    );
    expect(rows).toEqual([{ id }]);
    expect(id).toMatch(UUID);
  });

  // ---- 1. recovery ------------------------------------------------------------------------

  it('recovers exactly the messages sent (and not deleted) while disconnected, oldest first', async () => {
    const conversationId = await startGroup([bob]);
    const { channel: annChannel } = await joinConversation(annSocket, ann, conversationId);

    let bobSocket = await socketOf(bob);
    const first = await joinConversation(bobSocket, bob, conversationId);
    expect(first.reply).not.toHaveProperty('missed'); // no last_seen_id, no missed
    const live = collect<{ message: MessageJson }>(first.channel, 'new_message');
    const before = await sendMany(annChannel, ann, 3, 'before');
    await waitFor(() => live.length === 3, 2000, 'the live messages');
    expect(live.map((e) => e.message.id)).toEqual(ids(before));
    const seen = new Set([...ids(first.reply.messages.items), ...live.map((e) => e.message.id)]);
    const lastSeenId = live[live.length - 1].message.id;

    await disconnect(bobSocket);

    const during = await sendMany(annChannel, ann, 30, 'during');
    const deleted = during[12];
    await push(annChannel, 'delete_message', { token: ann.authToken, message_id: deleted.id });
    const expected = during.filter((m) => m.id !== deleted.id);
    expect(expected).toHaveLength(29);

    bobSocket = await socketOf(bob);
    const again = await joinConversation(bobSocket, bob, conversationId, {
      last_seen_id: lastSeenId,
    });
    // Exactly what was sent while away, as the sender's replies carried it, oldest first.
    expect(again.reply.missed).toEqual({ complete: true, items: expected });
    const missed = again.reply.missed!;
    expect(missed.items).toHaveLength(29);
    expect(ids(missed.items)).toEqual(ids(expected)); // send order, oldest first
    expect(new Set(ids(missed.items)).size).toBe(29);
    expect(ids(missed.items)).not.toContain(deleted.id);
    expect(ids(missed.items).filter((id) => seen.has(id))).toEqual([]);
    missed.items.forEach(expectMessageShape);
    // The same message objects the sender's replies carried.
    expect(missed.items).toEqual(expected);
    // The rest of the join reply is still there.
    expect(again.reply.conversation.id).toBe(conversationId);
    expect(ids(again.reply.users).sort()).toEqual([ann.id, bob.id].sort());
    expect(ids(again.reply.messages.items)).toEqual(
      ids([...before, ...expected].slice(-20).reverse()),
    );
    await leave(again.channel);

    // A last_seen_id that was deleted meanwhile still anchors the recovery.
    const afterDeleted = await joinOnce(bobSocket, bob, conversationId, {
      last_seen_id: deleted.id,
    });
    expect(afterDeleted.missed).toEqual({ items: during.slice(13), complete: true });
    await disconnect(bobSocket);
    await leave(annChannel);
  });

  // ---- 2. cap and bad anchors ---------------------------------------------------------------

  it('caps missed at CHAT_MISSED_LIMIT (oldest first, complete:false) and refuses bad anchors', async () => {
    const conversationId = await startGroup([bob]);
    const { channel: annChannel } = await joinConversation(annSocket, ann, conversationId);
    await sendMany(annChannel, ann, 5, 'live');
    // 40 more straight into the table, after the live ones (strictly increasing instants).
    await insertRows(
      conversationId,
      40,
      `clock_timestamp() + interval '5 milliseconds' + i * interval '1 microsecond'`,
      'stored',
    );
    const asc = await dbOrder(conversationId, 'asc');
    expect(asc).toHaveLength(46); // the first message + 45 after it
    const ascIds = ids(asc);

    const bobSocket = await socketOf(bob);
    const missedFrom = async (lastSeen: unknown): Promise<Missed | undefined> => {
      const reply = await joinOnce(bobSocket, bob, conversationId, { last_seen_id: lastSeen });
      expect(reply.conversation.id).toBe(conversationId); // the join still succeeds
      expect(reply.messages.items).toHaveLength(20);
      return reply.missed;
    };

    // 45 after the anchor → the oldest 40, incomplete.
    const capped = (await missedFrom(ascIds[0]))!;
    expect(capped.complete).toBe(false);
    expect(ids(capped.items)).toEqual(ascIds.slice(1, 41));
    capped.items.forEach(expectMessageShape);
    // 41 after → still incomplete; exactly 40 after → complete.
    const over = (await missedFrom(ascIds[4]))!;
    expect({ ids: ids(over.items), complete: over.complete }).toEqual({
      ids: ascIds.slice(5, 45),
      complete: false,
    });
    const exact = (await missedFrom(ascIds[5]))!;
    expect({ ids: ids(exact.items), complete: exact.complete }).toEqual({
      ids: ascIds.slice(6),
      complete: true,
    });
    // Anchored at the newest message: nothing missed, complete.
    expect(await missedFrom(ascIds[45])).toEqual({ items: [], complete: true });
    // Upper-case spelling of a real id is the same id.
    expect(ids((await missedFrom(ascIds[44].toUpperCase()))!.items)).toEqual([ascIds[45]]);

    // Unknown, malformed, or a message of another conversation → nothing, incomplete.
    const other = await startGroup([bob], 'elsewhere');
    const [otherMessage] = await dbOrder(other, 'asc');
    for (const bad of [randomUUID(), 'not-a-uuid', '', 42, { id: ascIds[0] }, otherMessage.id]) {
      expect(await missedFrom(bad)).toEqual({ items: [], complete: false });
    }
    await disconnect(bobSocket);
    await leave(annChannel);
  });

  // ---- 3. idempotency ------------------------------------------------------------------------

  it('stores and broadcasts a repeated client_msg_id once per sender, even concurrently', async () => {
    const conversationId = await startGroup([bob]);
    const annSocket2 = await socketOf(ann);
    const bobSocket = await socketOf(bob);
    const { channel: a1 } = await joinConversation(annSocket, ann, conversationId);
    const { channel: a2 } = await joinConversation(annSocket2, ann, conversationId);
    const { channel: b } = await joinConversation(bobSocket, bob, conversationId);
    const bobSees = collect<{ message: MessageJson }>(b, 'new_message');
    const annSees = collect<{ message: MessageJson }>(a1, 'new_message');
    const rows = async (clientMsgId: string): Promise<Array<{ id: string; sender: string }>> =>
      (
        await db.query<{ id: string; sender: string }>(
          `SELECT id::text AS id, sender_id::text AS sender FROM messages
            WHERE conversation_id = $1 AND client_msg_id = $2 ORDER BY inserted_at`,
          [conversationId, clientMsgId],
        )
      ).rows;
    const broadcastsOf = (seen: Array<{ message: MessageJson }>, id: string) =>
      seen.filter((e) => e.message.id === id);
    const heard = (seen: Array<{ message: MessageJson }>) => seen.map((e) => e.message.id);
    /**
     * A fresh message, once both ann and bob heard it. Broadcasts go out in the stored order,
     * each before its sender's reply, so every broadcast due for an earlier send (a repeat
     * included, if it were wrongly broadcast) reached them before this one.
     */
    let barriers = 0;
    const barrier = async (channel: Channel, user: RegisteredUser): Promise<string> => {
      const { id } = await send(channel, user, `barrier ${++barriers}`);
      await waitFor(
        () => broadcastsOf(bobSees, id).length > 0 && broadcastsOf(annSees, id).length > 0,
        2000,
        'the barrier message',
      );
      return id;
    };

    // Sequential repeat from the same sender.
    const original = await send(a1, ann, 'hello once', 'key-1');
    const repeat = await send(a1, ann, 'hello once', 'key-1');
    expect(repeat).toEqual(original);
    const repeatWithOtherContent = await send(a1, ann, 'changed my mind', 'key-1');
    expect(repeatWithOtherContent).toEqual(original);
    expect(await rows('key-1')).toEqual([{ id: original.id, sender: ann.id }]);
    const first = await barrier(a1, ann);
    expect(heard(bobSees)).toEqual([original.id, first]);
    expect(heard(annSees)).toEqual([original.id, first]);

    // Concurrent: several pushes of each key from two sockets of the same user, none awaited.
    const keys = ['key-2', 'key-3', 'key-4', 'key-5'];
    const replies = await Promise.all(
      keys.flatMap((key) => [
        send(a1, ann, `race ${key}`, key),
        send(a2, ann, `race ${key}`, key),
        send(a2, ann, `race ${key}`, key),
        send(a1, ann, `race ${key}`, key),
      ]),
    );
    const second = await barrier(a1, ann);
    for (const [k, key] of keys.entries()) {
      const group = replies.slice(k * 4, k * 4 + 4);
      expect(new Set(ids(group)).size).toBe(1);
      group.forEach((m) => expect(m).toEqual(group[0]));
      expect(await rows(key)).toEqual([{ id: group[0].id, sender: ann.id }]);
      expect(broadcastsOf(bobSees, group[0].id)).toHaveLength(1);
      expect(broadcastsOf(annSees, group[0].id)).toHaveLength(1);
    }
    const winners = keys.map((_, k) => replies[k * 4].id);
    const expected = [original.id, first, ...winners, second].sort();
    expect([...heard(bobSees)].sort()).toEqual(expected);
    expect([...heard(annSees)].sort()).toEqual(expected);

    // The same key from another sender is another message (and is broadcast).
    const bobs = await send(b, bob, 'hello from bob', 'key-1');
    expect(bobs.id).not.toBe(original.id);
    expect(bobs.sender).toBe(bob.id);
    expect(bobs.content).toBe('hello from bob');
    expect(await rows('key-1')).toEqual([
      { id: original.id, sender: ann.id },
      { id: bobs.id, sender: bob.id },
    ]);
    const third = await barrier(b, bob);
    expect(heard(bobSees).slice(-2)).toEqual([bobs.id, third]);
    expect(heard(annSees).slice(-2)).toEqual([bobs.id, third]);
    expect(broadcastsOf(annSees, bobs.id)).toHaveLength(1);
    expect(broadcastsOf(bobSees, bobs.id)).toHaveLength(1);

    // The same key from the same sender in another conversation is another message too.
    const elsewhere = await startGroup([bob]);
    const { channel: e } = await joinConversation(annSocket, ann, elsewhere);
    const there = await send(e, ann, 'hello elsewhere', 'key-1');
    expect(there.id).not.toBe(original.id);
    expect(there.content).toBe('hello elsewhere');

    await Promise.all([leave(a1), leave(e), disconnect(annSocket2), disconnect(bobSocket)]);
  });

  it('stores concurrent sends in shared commits, and broadcasts them in the stored order', async () => {
    const conversationId = await startGroup([bob]);
    const bobSocket = await socketOf(bob);
    const { channel: b } = await joinConversation(bobSocket, bob, conversationId);
    const bobSees = collect<{ message: MessageJson }>(b, 'new_message');
    // A channel handles its events one at a time, as in Phoenix: concurrency comes from many
    // channels, here ten sockets of ann's.
    const sockets = await Promise.all(Array.from({ length: 10 }, () => socketOf(ann)));
    const channels = await Promise.all(
      sockets.map(async (socket) => (await joinConversation(socket, ann, conversationId)).channel),
    );

    const sent = (
      await Promise.all(
        channels.map((channel, c) =>
          Promise.all([0, 1, 2].map((i) => send(channel, ann, `burst ${c}.${i}`))),
        ),
      )
    ).flat();
    const { rows } = await db.query<{ id: string; tx: string }>(
      `SELECT id::text AS id, xmin::text AS tx FROM messages
        WHERE id = ANY($1::uuid[]) ORDER BY inserted_at, id`,
      [sent.map((m) => m.id)],
    );
    expect(rows).toHaveLength(30);
    // Fewer transactions than messages: sends that met in flight shared a commit.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(30);
    // Each channel's sends are stored in its order, and bob hears everything in stored order.
    for (let c = 0; c < 10; c++) {
      const mine = rows.filter((r) => sent.slice(c * 3, c * 3 + 3).some((m) => m.id === r.id));
      expect(mine.map((r) => r.id)).toEqual(sent.slice(c * 3, c * 3 + 3).map((m) => m.id));
    }
    await waitFor(() => bobSees.length >= 30);
    expect(bobSees.slice(-30).map((e) => e.message.id)).toEqual(rows.map((r) => r.id));

    await Promise.all([...sockets, bobSocket].map((socket) => disconnect(socket)));
  });

  // ---- 4. pagination ------------------------------------------------------------------------

  it('pages 95 messages newest first, 20 at a time, and the join reply is the first page', async () => {
    const conversationId = await startGroup([bob]); // message 1
    const { channel } = await joinConversation(annSocket, ann, conversationId);
    const viaChannel = await sendMany(channel, ann, 45, 'channel'); // 46
    // 50 straight into the table, a microsecond apart: page boundaries fall inside one
    // millisecond, so cursors must keep full precision.
    await insertRows(
      conversationId,
      50,
      `clock_timestamp() + interval '2 milliseconds' + i * interval '1 microsecond'`,
      'sql',
    ); // 96
    await sleep(5);
    await push(channel, 'delete_message', {
      token: ann.authToken,
      message_id: viaChannel[20].id,
    }); // 95 live
    const desc = await dbOrder(conversationId, 'desc');
    expect(desc).toHaveLength(95);

    const pages = await allPages(conversationId, 20);
    expect(pages.map((p) => p.items.length)).toEqual([20, 20, 20, 20, 15]);
    expect(pages.slice(0, -1).every((p) => p.page_token !== '')).toBe(true);
    expect(pages[pages.length - 1].page_token).toBe('');
    const all = pages.flatMap((p) => ids(p.items));
    expect(new Set(all).size).toBe(95); // pairwise disjoint
    expect(all).toEqual(ids(desc));
    expect(all).not.toContain(viaChannel[20].id);
    expectStrictlyNewestFirst(all, desc);
    const stamps = pages.flatMap((p) => p.items.map((m) => m.inserted_at));
    expect([...stamps].sort().reverse()).toEqual(stamps); // wire timestamps non-increasing
    pages.flatMap((p) => p.items).forEach(expectMessageShape);

    // The join reply's page is the first page (and the default page size is 20).
    const bobSocket = await socketOf(bob);
    const reply = await joinOnce(bobSocket, bob, conversationId, {});
    expect(reply.messages).toEqual(pages[0]);
    const byDefault = await getMessages({ conversation_id: conversationId }).expect(200);
    expect(byDefault.body).toEqual({ messages: pages[0] });
    // The other members see the same pages.
    const bobsFirst = await getMessages(
      { conversation_id: conversationId, page_size: '20' },
      bob.bearer,
    ).expect(200);
    expect(bobsFirst.body).toEqual({ messages: pages[0] });
    await disconnect(bobSocket);

    // Other sizes cover the same list; a page holds exactly page_size items at most.
    for (const size of [1, 7, 94]) {
      const other = await allPages(conversationId, size);
      expect(other.flatMap((p) => ids(p.items))).toEqual(ids(desc));
      expect(other.every((p) => p.items.length <= size)).toBe(true);
    }
    for (const size of [95, 100]) {
      const whole = await getMessages({
        conversation_id: conversationId,
        page_size: String(size),
      }).expect(200);
      expect(ids((whole.body as { messages: Page }).messages.items)).toEqual(ids(desc));
      expect((whole.body as { messages: Page }).messages.page_token).toBe('');
    }
    await leave(channel);
  });

  it('answers the documented errors on GET /api/messages', async () => {
    const conversationId = await startGroup([bob]);

    const missing = await getMessages({ page_size: '20' }).expect(400);
    expect(missing.body).toEqual({ error: { missing_parameters: ['conversation_id'] } });

    const notFound = { errors: { detail: 'Not Found' } };
    for (const [who, id] of [
      [carol, conversationId], // not a member
      [ann, randomUUID()], // unknown
      [ann, 'not-a-uuid'], // not a uuid
    ] as const) {
      const res = await getMessages({ conversation_id: id }, who.bearer).expect(404);
      expect(res.body).toEqual(notFound);
    }

    for (const size of ['0', '101', '-1', 'abc', '1.5', '']) {
      const res = await getMessages({ conversation_id: conversationId, page_size: size });
      expect({ size, status: res.status }).toEqual({ size, status: 400 });
      expect(res.body).toEqual({ errors: { page_size: [expect.any(String)] } });
    }

    const wrongShape = Buffer.from(JSON.stringify({ at: 'x', id: 'y' })).toString('base64url');
    for (const token of ['%%%', 'not a token', wrongShape, 'A'.repeat(2000)]) {
      const res = await getMessages({ conversation_id: conversationId, page_token: token });
      expect({ token, status: res.status }).toEqual({ token, status: 400 });
      expect(res.body).toEqual({ errors: { page_token: [expect.any(String)] } });
    }

    const anonymous = await getMessages({ conversation_id: conversationId }, null).expect(401);
    expect(anonymous.body).toEqual({ errors: { detail: 'Authentication token is missing.' } });
  });

  // ---- 5. ties ------------------------------------------------------------------------------

  it('pages and recovers across messages sharing one inserted_at, each exactly once', async () => {
    const conversationId = await startGroup([bob]); // 1
    // One statement, so every row shares one `base` (a millisecond boundary cannot split them).
    await db.query(
      `WITH base AS (SELECT date_trunc('milliseconds', clock_timestamp()) + interval '1 second' AS at),
            spec (n, offset_us, label) AS (
              VALUES (3, -1000, 'before'), (10, 0, 'tie'), (2, 250, 'tie-250'), (1, 1000, 'after'))
       INSERT INTO messages (conversation_id, sender_id, content, inserted_at, updated_at)
       SELECT $1, $2, spec.label || ' ' || i, base.at + spec.offset_us * interval '1 microsecond',
              base.at
         FROM base, spec, generate_series(1, spec.n) AS i`,
      [conversationId, ann.id],
    ); // 17: groups of 3, 10 and 2 rows share an instant; 10 and 2 lie within one millisecond
    const desc = await dbOrder(conversationId, 'desc');
    expect(desc).toHaveLength(17);
    expect(new Set(desc.map((r) => r.at)).size).toBe(5); // really tied

    for (const size of [1, 2, 3, 4, 6, 10, 16, 17]) {
      const pages = await allPages(conversationId, size);
      const all = pages.flatMap((p) => ids(p.items));
      expect({ size, all }).toEqual({ size, all: ids(desc) });
      expect(pages.map((p) => p.items.length)).toEqual(
        Array.from({ length: Math.ceil(17 / size) }, (_, i) => Math.min(size, 17 - i * size)),
      );
      expectStrictlyNewestFirst(all, desc);
    }

    // Recovery anchored inside the tie group returns the rest of it, then the later ones.
    const asc = ids([...desc].reverse());
    const bobSocket = await socketOf(bob);
    for (const k of [4, 8, 13]) {
      const reply = await joinOnce(bobSocket, bob, conversationId, { last_seen_id: asc[k] });
      expect({ k, ids: ids(reply.missed!.items), complete: reply.missed!.complete }).toEqual({
        k,
        ids: asc.slice(k + 1),
        complete: true,
      });
    }
    await disconnect(bobSocket);
  });
});
