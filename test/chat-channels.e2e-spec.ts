// The chat channels (system:general, user:<id>, conversation:<id>) driven by the OFFICIAL phoenix
// client the way the web client drives them (spec chat-api.md Part A 16–25, Part B §3.4): every
// join and push payload carries the current access token.
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Channel, Socket } from 'phoenix';
import pg from 'pg';
import request from 'supertest';
import {
  checkChannelJoin,
  checkConversation,
  checkMessage,
  checkMessageEvent,
  checkMessagesBody,
  checkNewConversation,
  checkUpdateAlias,
  isTs,
  type Problems,
  UUID,
} from './support/chat-shapes.js';
import { PASSWORD, registerUser, type RegisteredUser } from './support/chat-users.js';
import {
  collect,
  connect,
  disconnectAll,
  type Frame,
  join,
  leave,
  nextEvent,
  presenceOf,
  push,
  pushReply,
  recordFrames,
  ReplyError,
  sleep,
  waitFor,
} from './support/phoenix-client.js';
import { expectNoneBeforeBarrier } from './support/absence.js';
import { RawSocket } from './support/raw-socket.js';
import { startTestApp, TEST_ENV, type TestApp } from './support/test-app.js';
import { upgradeStatus } from './support/upgrade-status.js';
import type { MessageJson } from '../src/conversations/chat-json.js';

/** Short enough for a test, long enough that 5 quick pushes all land in one window. */
const TYPING_INTERVAL_MS = 500;

interface ConversationJson {
  id: string;
  private: boolean;
  alias: string | null;
  inserted_at: string;
  updated_at: string;
}

interface NewConversation {
  conversation: ConversationJson;
  user_ids: string[];
}

interface JoinReply {
  conversation: ConversationJson;
  users: Array<{ id: string; email: string; display_name: string }>;
  messages: { items: MessageJson[]; page_token: string };
  read_times: Record<string, string | null>;
}

/** One signed-in client: its socket, its `user:<id>` channel and its `system:general` channel. */
interface Client {
  user: RegisteredUser;
  socket: Socket;
  inbox: Channel;
  system: Channel;
}

/** Broadcast events whose payloads the web client validates. */
const SHAPES: Record<string, (payload: unknown) => Problems> = {
  new_message: checkMessageEvent,
  update_message: checkMessageEvent,
  new_conversation: checkNewConversation,
  update_alias: checkUpdateAlias,
};

const sorted = (ids: string[]): string[] => [...ids].sort();
const topicOf = (id: string) => `conversation:${id}`;

describe('chat channels (official phoenix client)', () => {
  let t: TestApp;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let cat: RegisteredUser;
  /** Every shaped broadcast any client of the current test received. */
  let seen: Array<{ event: string; payload: unknown }> = [];

  beforeAll(async () => {
    t = await startTestApp({ CHAT_TYPING_INTERVAL_MS: String(TYPING_INTERVAL_MS) });
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    seen = [];
    [ann, bob, cat] = await Promise.all([
      registerUser(t.url, { display_name: 'Ann' }),
      registerUser(t.url, { display_name: 'Bob' }),
      registerUser(t.url, { display_name: 'Cat' }),
    ]);
  });

  afterEach(async () => {
    await disconnectAll();
    const problems = seen.flatMap(({ event, payload }) => SHAPES[event](payload));
    expect(problems).toEqual([]);
  });

  // ── helpers ──────────────────────────────────────────────────────────────

  /** A connected socket of `user` (connect param `token`), recording shaped broadcasts. */
  async function online(user: RegisteredUser): Promise<Socket> {
    const socket = await connect(t.socketUrl, { params: { token: user.authToken } });
    socket.onMessage((message) => {
      const frame = message as Frame;
      if (frame.ref === null && frame.event in SHAPES)
        seen.push({ event: frame.event, payload: frame.payload });
    });
    return socket;
  }

  /** Joins `topic` with `{token, ...params}` and answers the channel and the ok response. */
  async function joined<T = unknown>(
    socket: Socket,
    topic: string,
    user: RegisteredUser,
    params: object = {},
  ): Promise<{ channel: Channel; reply: T }> {
    const channel = socket.channel(topic, { token: user.authToken, ...params });
    const reply = (await join(channel)) as T;
    return { channel, reply };
  }

  /** A join that must be refused: answers the error response (and stops the client's rejoins). */
  async function refusedJoin(socket: Socket, topic: string, params: object): Promise<unknown> {
    const channel = socket.channel(topic, params);
    try {
      await join(channel);
    } catch (err) {
      await leave(channel);
      if (err instanceof ReplyError && err.status === 'error') return err.response;
      throw err;
    }
    await leave(channel);
    throw new Error(`join of ${topic} was accepted`);
  }

  /** Connects `user` and joins `user:<id>` and `system:general` as the web client does. */
  async function signIn(user: RegisteredUser): Promise<Client> {
    const socket = await online(user);
    const { channel: inbox } = await joined(socket, `user:${user.id}`, user);
    const { channel: system } = await joined(socket, 'system:general', user, { hidden: false });
    return { user, socket, inbox, system };
  }

  /** `start_conversation` from `client`; answers the (bare string) id. */
  async function start(client: Client, body: Record<string, unknown>): Promise<string> {
    const reply = await pushReply(client.system, 'start_conversation', {
      token: client.user.authToken,
      ...body,
    });
    expect(reply).toEqual({ status: 'ok', response: expect.any(String) });
    return reply.response as string;
  }

  /** A group of `clients` started by the first one; waits until every member was told. */
  async function group(
    clients: Client[],
    alias = 'Group',
    message = 'Hello all',
  ): Promise<{ id: string; announced: NewConversation[] }> {
    const told = clients.map((c) => nextEvent<NewConversation>(c.inbox, 'new_conversation'));
    const id = await start(clients[0], {
      private: false,
      alias,
      user_ids: clients.map((c) => c.user.id),
      message,
    });
    return { id, announced: await Promise.all(told) };
  }

  /** Each client joins `conversation:<id>`. */
  async function joinAll(clients: Client[], id: string) {
    return Promise.all(
      clients.map((c) => joined<JoinReply>(c.socket, topicOf(id), c.user).then((j) => j.channel)),
    );
  }

  /** A fresh join of `conversation:<id>` by `user` on a new socket: its reply. */
  async function freshJoin(user: RegisteredUser, id: string): Promise<JoinReply> {
    const socket = await online(user);
    return (await joined<JoinReply>(socket, topicOf(id), user)).reply;
  }

  const error = (reason: string, extra: object = {}) => ({
    status: 'error',
    response: { reason, ...extra },
  });

  // ── 1. private conversations ─────────────────────────────────────────────

  it('starts a private conversation, announces it to both members and reuses it for the pair', async () => {
    const [a, b] = await Promise.all([signIn(ann), signIn(bob)]);
    const told = [a, b].map((c) => nextEvent<NewConversation>(c.inbox, 'new_conversation'));
    const id = await start(a, { private: true, user_ids: [bob.id, ann.id], message: 'Hi Bob' });
    expect(id).toMatch(UUID);
    for (const payload of await Promise.all(told)) {
      expect(payload.conversation).toMatchObject({ id, private: true, alias: null });
      expect(sorted(payload.user_ids)).toEqual(sorted([ann.id, bob.id]));
    }

    // Both members are on the conversation now; starting again (from the other side, without
    // listing oneself) answers the same id, appends the message and shows it live.
    const [ca, cb] = await joinAll([a, b], id);
    const live = [ca, cb].map((ch) => nextEvent<{ message: MessageJson }>(ch, 'new_message'));
    const toldAgain = nextEvent<NewConversation>(b.inbox, 'new_conversation');
    const again = await start(b, { private: true, user_ids: [ann.id], message: 'Hi again Ann' });
    expect(again).toBe(id);
    for (const { message } of await Promise.all(live)) {
      expect(message).toMatchObject({ sender: bob.id, content: 'Hi again Ann' });
    }
    // The sender always gets new_conversation, listed or not.
    expect((await toldAgain).conversation.id).toBe(id);

    const reply = await freshJoin(ann, id);
    expect(reply.messages.items.map((m) => m.content)).toEqual(['Hi again Ann', 'Hi Bob']);
  });

  it('refuses bad start_conversation requests with a reason', async () => {
    const a = await signIn(ann);
    const body = (extra: object) => ({ token: ann.authToken, message: 'Hi', ...extra });
    expect(
      await pushReply(
        a.system,
        'start_conversation',
        body({ private: true, user_ids: [bob.id, cat.id] }),
      ),
    ).toEqual(error('incorrect_num_users'));
    expect(
      await pushReply(a.system, 'start_conversation', body({ private: true, user_ids: [ann.id] })),
    ).toEqual(error('incorrect_num_users'));
    expect(
      await pushReply(a.system, 'start_conversation', body({ private: true, user_ids: ['nope'] })),
    ).toEqual(error('invalid_user_ids'));
    expect(
      await pushReply(
        a.system,
        'start_conversation',
        body({ private: false, user_ids: [bob.id], message: '   ' }),
      ),
    ).toEqual(error('invalid_payload'));
    // The channel still works.
    expect(await push(a.system, 'set_hidden', { token: ann.authToken, hidden: false })).toEqual({});
    expect(a.system.state).toBe('joined');
  });

  it('refuses unknown user ids in start_conversation with "invalid_ids" (as the original)', async () => {
    const a = await signIn(ann);
    for (const isPrivate of [true, false]) {
      expect(
        await pushReply(a.system, 'start_conversation', {
          token: ann.authToken,
          private: isPrivate,
          user_ids: [randomUUID()],
          message: 'Hi',
        }),
      ).toEqual(error('invalid_ids'));
    }
  });

  // ── 2. groups ────────────────────────────────────────────────────────────

  it('starts a group with an alias; every member is told and joins with the full join shape', async () => {
    const clients = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const everyone = sorted([ann.id, bob.id, cat.id]);
    const { id, announced } = await group(clients, 'Trio', 'Welcome, both');
    for (const payload of announced) {
      expect(payload.conversation).toMatchObject({ id, private: false, alias: 'Trio' });
      expect(sorted(payload.user_ids)).toEqual(everyone);
    }

    for (const c of clients) {
      const { reply } = await joined<JoinReply>(c.socket, topicOf(id), c.user);
      expect(checkChannelJoin(reply)).toEqual([]);
      expect(reply.conversation).toMatchObject({ id, private: false, alias: 'Trio' });
      expect(sorted(reply.users.map((u) => u.id))).toEqual(everyone);
      expect(reply.users.find((u) => u.id === ann.id)).toEqual({
        id: ann.id,
        email: ann.email,
        display_name: 'Ann',
      });
      expect(reply.messages.items).toHaveLength(1);
      expect(reply.messages.items[0]).toMatchObject({ sender: ann.id, content: 'Welcome, both' });
      expect(reply.messages.page_token).toBe('');
      expect(sorted(Object.keys(reply.read_times))).toEqual(everyone);
      for (const time of Object.values(reply.read_times))
        expect(time === null || isTs(time)).toBe(true);
    }
  });

  // ── 3. messages ──────────────────────────────────────────────────────────

  it('sends, edits and deletes messages; every member sees each change', async () => {
    const clients = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const { id } = await group(clients);
    const channels = await joinAll(clients, id);
    const [ca, cb] = channels;

    // send: new_message to everyone (sender included) before the reply, finish_typing after.
    const frames = recordFrames(clients[0].socket, topicOf(id));
    const news = channels.map((ch) => nextEvent<{ message: MessageJson }>(ch, 'new_message'));
    const finishes = channels.map((ch) => nextEvent<{ user_id: string }>(ch, 'finish_typing'));
    const { message } = (await push(ca, 'send_message', {
      token: ann.authToken,
      content: '  Hello there  ',
    })) as { message: MessageJson };
    expect(checkMessage(message)).toEqual([]);
    expect(message).toMatchObject({ sender: ann.id, content: 'Hello there' });
    for (const payload of await Promise.all(news)) expect(payload).toEqual({ message });
    for (const payload of await Promise.all(finishes)) expect(payload).toEqual({ user_id: ann.id });
    const at = (match: (f: Frame) => boolean) => frames.findIndex(match);
    const broadcastAt = at(
      (f) =>
        f.event === 'new_message' &&
        (f.payload as { message: MessageJson }).message.id === message.id,
    );
    const replyAt = at(
      (f) =>
        f.event === 'phx_reply' &&
        (f.payload as { response?: { message?: MessageJson } }).response?.message?.id ===
          message.id,
    );
    const finishAt = at((f) => f.event === 'finish_typing');
    expect(broadcastAt).toBeGreaterThanOrEqual(0);
    expect(replyAt).toBeGreaterThan(broadcastAt);
    expect(finishAt).toBeGreaterThan(replyAt);

    // edit: only the sender; everyone gets update_message.
    expect(
      await pushReply(cb, 'edit_message', {
        token: bob.authToken,
        message_id: message.id,
        content: 'hijacked',
      }),
    ).toEqual(error('forbidden'));
    expect(
      await pushReply(ca, 'edit_message', {
        token: ann.authToken,
        message_id: randomUUID(),
        content: 'nothing',
      }),
    ).toEqual(error('not_found'));
    const updates = channels.map((ch) => nextEvent<{ message: MessageJson }>(ch, 'update_message'));
    expect(
      await pushReply(ca, 'edit_message', {
        token: ann.authToken,
        message_id: message.id,
        content: 'Hello there (edited)',
      }),
    ).toMatchObject({ status: 'ok' });
    for (const { message: updated } of await Promise.all(updates)) {
      expect(updated).toMatchObject({
        id: message.id,
        sender: ann.id,
        content: 'Hello there (edited)',
        inserted_at: message.inserted_at,
      });
      expect(updated.updated_at).not.toBe(updated.inserted_at);
    }

    // delete: only the sender; everyone gets delete_message; it leaves the history.
    expect(
      await pushReply(cb, 'delete_message', { token: bob.authToken, message_id: message.id }),
    ).toEqual(error('forbidden'));
    const deletions = channels.map((ch) => nextEvent(ch, 'delete_message'));
    expect(
      await pushReply(ca, 'delete_message', { token: ann.authToken, message_id: message.id }),
    ).toMatchObject({ status: 'ok' });
    for (const payload of await Promise.all(deletions))
      expect(payload).toEqual({ message_id: message.id });
    expect(
      await pushReply(ca, 'edit_message', {
        token: ann.authToken,
        message_id: message.id,
        content: 'back from the dead',
      }),
    ).toEqual(error('not_found'));

    const reply = await freshJoin(cat, id);
    expect(reply.messages.items.map((m) => m.id)).not.toContain(message.id);
    expect(reply.messages.items.map((m) => m.content)).toEqual(['Hello all']);
    const res = await request(t.url)
      .get('/api/messages')
      .query({ conversation_id: id })
      .set('Authorization', bob.bearer)
      .expect(200);
    expect(
      (res.body as { messages: JoinReply['messages'] }).messages.items.map((m) => m.id),
    ).not.toContain(message.id);
  });

  // ── 4. typing ────────────────────────────────────────────────────────────

  it('throttles start_typing to one broadcast per window and relays finish_typing', async () => {
    const clients = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const { id } = await group(clients);
    const [ca, cb, cc] = await joinAll(clients, id);
    const heard = [cb, cc].map((channel) => {
      const events: Array<{ event: string; payload: unknown }> = [];
      for (const event of ['start_typing', 'finish_typing'])
        channel.on(event, (payload) => void events.push({ event, payload }));
      return events;
    });

    // Five start_typing within a few ms, all inside one window: every push is answered,
    // the others hear about it once.
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => pushReply(ca, 'start_typing', { token: ann.authToken })),
    );
    for (const r of replies) expect(r.status).toBe('ok');
    // Barrier: finish_typing, broadcast on the topic after every start_typing was handled.
    await push(ca, 'finish_typing', { token: ann.authToken });
    for (const events of heard) {
      await waitFor(() => events.some((e) => e.event === 'finish_typing'), 2000, 'finish_typing');
      expect(events).toEqual([
        { event: 'start_typing', payload: { user_id: ann.id } },
        { event: 'finish_typing', payload: { user_id: ann.id } },
      ]);
    }

    // After the window another start_typing goes out again (a throttle, not a one-off). The wait
    // lets the window pass; it checks no absence.
    await sleep(TYPING_INTERVAL_MS);
    const again = nextEvent(cb, 'start_typing');
    await push(ca, 'start_typing', { token: ann.authToken });
    expect(await again).toEqual({ user_id: ann.id });

    const finishes = [cb, cc].map((ch) => nextEvent(ch, 'finish_typing'));
    await push(ca, 'finish_typing', { token: ann.authToken });
    for (const payload of await Promise.all(finishes)) expect(payload).toEqual({ user_id: ann.id });
  });

  // ── 5. read markers ──────────────────────────────────────────────────────

  it('stores read markers, broadcasts them and shows them in later join replies', async () => {
    const clients = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const { id } = await group(clients);
    const channels = await joinAll(clients, id);
    const heard = channels.map((ch) =>
      nextEvent<{ user_id: string; read_at: string }>(ch, 'read_conversation'),
    );
    const { read_at } = (await push(channels[0], 'read_conversation', {
      token: ann.authToken,
    })) as { read_at: string };
    expect(isTs(read_at)).toBe(true);
    for (const payload of await Promise.all(heard))
      expect(payload).toEqual({ user_id: ann.id, read_at });

    const reply = await freshJoin(bob, id);
    expect(reply.read_times[ann.id]).toBe(read_at);
    expect(reply.read_times[bob.id]).toBeNull();
    expect(reply.read_times[cat.id]).toBeNull();
  });

  // ── 6. alias and members ─────────────────────────────────────────────────

  it('changes a group’s alias and adds members; refuses private conversations and bad members', async () => {
    const [a, b, c] = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const { id } = await group([a, b], 'Duo');
    const [ca, cb] = await joinAll([a, b], id);

    const renamed = [ca, cb].map((ch) =>
      nextEvent<{ conversation: ConversationJson }>(ch, 'update_alias'),
    );
    expect(
      await pushReply(ca, 'change_alias', { token: ann.authToken, alias: 'Renamed' }),
    ).toMatchObject({ status: 'ok' });
    for (const { conversation } of await Promise.all(renamed)) {
      expect(checkConversation(conversation)).toEqual([]);
      expect(conversation).toMatchObject({ id, private: false, alias: 'Renamed' });
    }

    // Errors change nothing.
    expect(
      await pushReply(cb, 'modify_conversation', {
        token: bob.authToken,
        new_members: [ann.id],
        alias: 'Nope',
      }),
    ).toEqual(error('already_members'));
    expect(
      await pushReply(cb, 'modify_conversation', {
        token: bob.authToken,
        new_members: [randomUUID()],
        alias: 'Nope',
      }),
    ).toEqual(error('users_not_found'));

    const everyone = sorted([ann.id, bob.id, cat.id]);
    const told = [a, b, c].map((x) => nextEvent<NewConversation>(x.inbox, 'new_conversation'));
    expect(
      await pushReply(cb, 'modify_conversation', {
        token: bob.authToken,
        new_members: [cat.id],
        alias: 'Trio',
      }),
    ).toMatchObject({ status: 'ok' });
    for (const payload of await Promise.all(told)) {
      expect(payload.conversation).toMatchObject({ id, private: false, alias: 'Trio' });
      expect(sorted(payload.user_ids)).toEqual(everyone);
    }
    const { reply } = await joined<JoinReply>(c.socket, topicOf(id), cat);
    expect(sorted(reply.users.map((u) => u.id))).toEqual(everyone);
    expect(reply.conversation.alias).toBe('Trio');

    // alias "" (what the client's settings modal sends untouched) clears it.
    const cleared = nextEvent<NewConversation>(c.inbox, 'new_conversation');
    await push(ca, 'modify_conversation', { token: ann.authToken, new_members: [], alias: '' });
    expect((await cleared).conversation.alias).toBeNull();

    // Private conversations have no alias and no added members.
    const privateId = await start(a, { private: true, user_ids: [bob.id], message: 'psst' });
    const { channel: pa } = await joined(a.socket, topicOf(privateId), ann);
    expect(await pushReply(pa, 'change_alias', { token: ann.authToken, alias: 'Secret' })).toEqual(
      error('private_conversation'),
    );
    expect(
      await pushReply(pa, 'modify_conversation', {
        token: ann.authToken,
        new_members: [cat.id],
        alias: 'Secret',
      }),
    ).toEqual(error('private_conversation'));
  });

  // ── 7. leaving ───────────────────────────────────────────────────────────

  it('lets a member leave (their channel is closed); the last one out deletes the conversation', async () => {
    const clients = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const [, b] = clients;
    const { id } = await group(clients);
    const [ca, cb, cc] = await joinAll(clients, id);

    const closed = new Promise<void>((resolve) => cb.onClose(() => resolve()));
    const others = [ca, cc].map((ch) => ({
      left: nextEvent(ch, 'leave_conversation'),
      finished: nextEvent(ch, 'finish_typing'),
    }));
    expect(await pushReply(cb, 'leave_conversation', { token: bob.authToken })).toEqual({
      status: 'ok',
      response: {},
    });
    await closed;
    expect(cb.state).toBe('closed');
    for (const { left, finished } of others) {
      expect(await left).toEqual({ user_id: bob.id });
      expect(await finished).toEqual({ user_id: bob.id });
    }
    expect(await refusedJoin(b.socket, topicOf(id), { token: bob.authToken })).toEqual({
      reason: 'no_conversation',
    });
    await request(t.url)
      .get('/api/messages')
      .query({ conversation_id: id })
      .set('Authorization', bob.bearer)
      .expect(404);

    const count = async () => {
      const client = new pg.Client({ connectionString: t.databaseUrl });
      await client.connect();
      try {
        const rows = await client.query<{ conversations: string; messages: string }>(
          `SELECT (SELECT count(*) FROM conversations WHERE id = $1) AS conversations,
                  (SELECT count(*) FROM messages WHERE conversation_id = $1) AS messages`,
          [id],
        );
        return rows.rows[0];
      } finally {
        await client.end();
      }
    };
    expect(await count()).toEqual({ conversations: '1', messages: '1' });
    await push(ca, 'leave_conversation', { token: ann.authToken });
    expect(await count()).toEqual({ conversations: '1', messages: '1' });
    await push(cc, 'leave_conversation', { token: cat.authToken });
    expect(await count()).toEqual({ conversations: '0', messages: '0' });
    expect(await refusedJoin(clients[2].socket, topicOf(id), { token: cat.authToken })).toEqual({
      reason: 'no_conversation',
    });
  });

  // ── 8. presence ──────────────────────────────────────────────────────────

  it('tracks presence on system:general and honours hidden (payload, set_hidden, profile)', async () => {
    const system = (socket: Socket, user: RegisteredUser, params: object) => {
      const channel = socket.channel('system:general', { token: user.authToken, ...params });
      return { channel, presence: presenceOf(channel) };
    };
    const bobSide = system(await online(bob), bob, { hidden: false });
    await join(bobSide.channel);
    const bobDiffs = collect<{ joins: Record<string, unknown> }>(bobSide.channel, 'presence_diff');
    const annSide = system(await online(ann), ann, { hidden: false });
    await join(annSide.channel);

    const visible = await bobSide.presence.until((s) => ann.id in s);
    expect(visible[ann.id]).toHaveLength(1);
    expect(visible[ann.id][0]).toEqual({
      online_at: expect.any(String),
      phx_ref: expect.any(String),
    });
    await annSide.presence.until((s) => ann.id in s && bob.id in s);

    // set_hidden true: the others see ann leave, ann gets a fresh presence_state.
    let state = nextEvent<Record<string, unknown>>(annSide.channel, 'presence_state');
    expect(
      await push(annSide.channel, 'set_hidden', { token: ann.authToken, hidden: true }),
    ).toEqual({});
    await bobSide.presence.until((s) => !(ann.id in s));
    expect(Object.keys(await state)).toEqual([bob.id]);
    const login = await request(t.url)
      .post('/auth/login')
      .send({ email: ann.email, password: PASSWORD })
      .expect(200);
    expect((login.body as { user: { hidden: boolean } }).user.hidden).toBe(true);

    // Again: idempotent.
    state = nextEvent(annSide.channel, 'presence_state');
    expect(
      await push(annSide.channel, 'set_hidden', { token: ann.authToken, hidden: true }),
    ).toEqual({});
    expect(Object.keys(await state)).toEqual([bob.id]);

    // Visible again.
    expect(
      await push(annSide.channel, 'set_hidden', { token: ann.authToken, hidden: false }),
    ).toEqual({});
    await bobSide.presence.until((s) => ann.id in s);

    /**
     * Bob never saw cat. Barrier: another visible socket of ann's joins; presence diffs reach
     * bob in order, so a diff with cat in it would come before (or with) the one with ann's.
     */
    const bobSeesNoCat = async () => {
      const from = bobDiffs.length;
      await join(system(await online(ann), ann, { hidden: false }).channel);
      await expectNoneBeforeBarrier(
        bobDiffs,
        (d) => cat.id in d.joins,
        (d) => ann.id in d.joins,
        { from, what: "cat's hidden presence" },
      );
      expect(bobSide.presence.state()).not.toHaveProperty(cat.id);
    };

    // Joining with hidden:true: never visible.
    const catSide = system(await online(cat), cat, { hidden: true });
    await join(catSide.channel);
    const catView = await catSide.presence.until((s) => ann.id in s && bob.id in s);
    expect(catView).not.toHaveProperty(cat.id);
    await bobSeesNoCat();

    // Joining without hidden: the stored profile value decides; the payload's value wins.
    await request(t.url)
      .patch('/api/profile')
      .set('Authorization', cat.bearer)
      .send({ hidden: true })
      .expect(200);
    const storedSide = system(await online(cat), cat, {});
    await join(storedSide.channel);
    await storedSide.presence.until((s) => bob.id in s);
    await bobSeesNoCat();

    const overridden = system(await online(cat), cat, { hidden: false });
    await join(overridden.channel);
    await bobSide.presence.until((s) => cat.id in s);
  });

  // ── 9. display names ─────────────────────────────────────────────────────

  it('broadcasts display name changes and refuses invalid names with field errors', async () => {
    const [a, b, c] = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const heard = [b, c].map((x) => nextEvent(x.system, 'update_display_name'));
    expect(
      await push(a.system, 'set_display_name', { token: ann.authToken, display_name: 'Ann Two' }),
    ).toEqual({});
    for (const payload of await Promise.all(heard))
      expect(payload).toEqual({ user_id: ann.id, display_name: 'Ann Two' });
    const res = await request(t.url)
      .get('/api/users')
      .query({ search: 'Ann Two' })
      .set('Authorization', bob.bearer)
      .expect(200);
    expect((res.body as { users: { items: unknown[] } }).users.items).toEqual([
      { id: ann.id, email: ann.email, display_name: 'Ann Two' },
    ]);

    for (const display_name of ['Al', 'x'.repeat(21)]) {
      expect(
        await pushReply(a.system, 'set_display_name', { token: ann.authToken, display_name }),
      ).toEqual(error('validation_failed', { errors: { display_name: [expect.any(String)] } }));
    }
  });

  // ── 10. replies to everything ────────────────────────────────────────────

  it('answers every inbound event: unknown events and bad payloads get an error, channels live on', async () => {
    const [a, b] = await Promise.all([signIn(ann), signIn(bob)]);
    const { id } = await group([a, b]);
    const [ca] = await joinAll([a, b], id);
    let crashes = 0;
    for (const ch of [a.system, a.inbox, ca]) {
      ch.onError(() => {
        crashes += 1;
      });
    }

    for (const ch of [a.system, a.inbox, ca]) {
      expect(await pushReply(ch, 'no_such_event', { token: ann.authToken })).toEqual(
        error('unknown_event'),
      );
    }

    const bad: Array<[Channel, string, unknown]> = [
      [ca, 'send_message', { token: ann.authToken }],
      [ca, 'send_message', { token: ann.authToken, content: '' }],
      [ca, 'send_message', { token: ann.authToken, content: ' \n ' }],
      [ca, 'send_message', { token: ann.authToken, content: 42 }],
      [ca, 'send_message', { token: ann.authToken, content: 'x'.repeat(4001) }],
      [ca, 'send_message', 'just a string'],
      [ca, 'send_message', ['an', 'array']],
      [ca, 'edit_message', { token: ann.authToken, message_id: 'nope', content: 'x' }],
      [ca, 'delete_message', { token: ann.authToken, message_id: 42 }],
      [ca, 'delete_message', { token: ann.authToken }],
      [ca, 'change_alias', { token: ann.authToken, alias: 7 }],
      [ca, 'modify_conversation', { token: ann.authToken, new_members: 'nope', alias: '' }],
      [a.system, 'start_conversation', 'just a string'],
      [a.system, 'start_conversation', { token: ann.authToken, user_ids: [bob.id] }],
      [a.system, 'set_hidden', { token: ann.authToken, hidden: 'yes' }],
      [a.system, 'set_hidden', 'just a string'],
    ];
    for (const [ch, event, payload] of bad) {
      const reply = await pushReply(ch, event, payload as object);
      expect({ event, payload, reply }).toEqual({
        event,
        payload,
        reply: error('invalid_payload'),
      });
    }

    // 4000 characters is fine; the channels still work.
    const { message } = (await push(ca, 'send_message', {
      token: ann.authToken,
      content: 'x'.repeat(4000),
    })) as { message: MessageJson };
    expect([...message.content]).toHaveLength(4000);
    expect(await push(ca, 'send_message', { token: ann.authToken, content: 'still here' })).toEqual(
      {
        message: expect.objectContaining({ content: 'still here' }),
      },
    );
    expect(await push(a.system, 'set_hidden', { token: ann.authToken, hidden: false })).toEqual({});
    expect(crashes).toBe(0);
    for (const ch of [a.system, a.inbox, ca]) expect(ch.state).toBe('joined');
  });

  // ── 11. authorization ────────────────────────────────────────────────────

  it('keeps non-members, former members, other users’ topics and foreign tokens out', async () => {
    const [a, b, c] = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const { id } = await group([a, b]);
    const [ca] = await joinAll([a, b], id);

    // A non-member can't join, and a push without a join reaches no channel.
    expect(await refusedJoin(c.socket, topicOf(id), { token: cat.authToken })).toEqual({
      reason: 'no_conversation',
    });
    const raw = await RawSocket.connect(t.socketUrl, { query: { token: cat.authToken } });
    try {
      expect(
        await raw.request([null, '1', topicOf(id), 'send_message', { content: 'let me in' }]),
      ).toEqual([
        null,
        '1',
        topicOf(id),
        'phx_reply',
        { status: 'error', response: { reason: 'unmatched topic' } },
      ]);
    } finally {
      await raw.close();
    }
    expect((await freshJoin(bob, id)).messages.items.map((m) => m.content)).toEqual(['Hello all']);

    // Someone else's user topic.
    expect(await refusedJoin(a.socket, `user:${bob.id}`, { token: ann.authToken })).toEqual({
      reason: 'unauthorized',
    });

    // Tokens in payloads must be live tokens of the socket's user.
    const expired = jwt.sign(
      { sub: ann.id, iat: Date.now() / 1000 - 3600, exp: Math.floor(Date.now() / 1000) - 5 },
      TEST_ENV.JWT_SECRET,
    );
    for (const token of [bob.authToken, expired, 'not-a-token', 42]) {
      expect(await pushReply(ca, 'send_message', { token, content: 'spoofed' })).toEqual(
        error('invalid_token'),
      );
      expect(await pushReply(a.system, 'set_hidden', { token, hidden: true })).toEqual(
        error('invalid_token'),
      );
      expect(
        await pushReply(a.system, 'start_conversation', {
          token,
          private: true,
          user_ids: [cat.id],
          message: 'spoofed',
        }),
      ).toEqual(error('invalid_token'));
    }
    // Joins with bob's token are refused (on a socket of ann's own: re-joining a topic on the
    // same socket would replace the joined channel). The exact reason is checked below.
    const spare = await online(ann);
    for (const topic of ['system:general', `user:${ann.id}`, topicOf(id)]) {
      expect(await refusedJoin(spare, topic, { token: bob.authToken })).toMatchObject({
        reason: expect.any(String),
      });
    }
    expect(ca.state).toBe('joined');

    // A member who left can't act on a channel they still hold on another socket.
    const second = await online(ann);
    const { channel: stale } = await joined(second, topicOf(id), ann);
    await push(ca, 'leave_conversation', { token: ann.authToken });
    const staleClosed = new Promise<void>((resolve) => stale.onClose(() => resolve()));
    expect(
      await pushReply(stale, 'send_message', { token: ann.authToken, content: 'ghost' }),
    ).toEqual(error('not_a_member'));
    await staleClosed;
    expect((await freshJoin(bob, id)).messages.items.map((m) => m.content)).toEqual(['Hello all']);

    // A socket with a bad token never opens.
    expect(await upgradeStatus(`${t.socketUrl}/websocket?token=not-a-token&vsn=2.0.0`)).toBe(403);
    let opened = false;
    await expect(
      connect(t.socketUrl, { params: { token: 'not-a-token' } }).then((s) => {
        opened = true;
        return s;
      }),
    ).rejects.toThrow(/socket error/);
    expect(opened).toBe(false);
  });

  it('refuses joins whose payload token is not the socket user’s with "invalid_token"', async () => {
    const a = await signIn(ann);
    const b = await signIn(bob);
    const { id } = await group([a, b]);
    const socket = await online(ann);
    const topics = ['system:general', `user:${ann.id}`, topicOf(id)];
    const replies: Record<string, unknown> = {};
    for (const topic of topics) {
      replies[topic] = await refusedJoin(socket, topic, { token: bob.authToken });
    }
    expect(replies).toEqual(
      Object.fromEntries(topics.map((topic) => [topic, { reason: 'invalid_token' }])),
    );
  });

  // ── extras: idempotent sends and catching up after a gap (Part A 21–22) ──

  it('dedupes send_message by client_msg_id and returns missed messages after last_seen_id', async () => {
    const [a, b] = await Promise.all([signIn(ann), signIn(bob)]);
    const { id } = await group([a, b]);
    const [ca, cb] = await joinAll([a, b], id);
    const heard = collect<{ message: MessageJson }>(cb, 'new_message');

    const body = { token: ann.authToken, content: 'once', client_msg_id: 'c-1' };
    const first = (await push(ca, 'send_message', body)) as { message: MessageJson };
    const repeat = (await push(ca, 'send_message', body)) as { message: MessageJson };
    expect(repeat).toEqual(first);
    const later = (await push(ca, 'send_message', { token: ann.authToken, content: 'twice' })) as {
      message: MessageJson;
    };
    await waitFor(() => heard.length === 2, 1000, 'two new_message');
    expect(heard.map((p) => p.message.id)).toEqual([first.message.id, later.message.id]);

    const socket = await online(bob);
    const { reply } = await joined<
      JoinReply & { missed: { items: MessageJson[]; complete: boolean } }
    >(socket, topicOf(id), bob, { last_seen_id: first.message.id });
    expect(checkChannelJoin(reply)).toEqual([]);
    expect(reply.missed).toEqual({ items: [later.message], complete: true });
  });

  // ── 12. shapes ───────────────────────────────────────────────────────────

  it('sends every join reply, page and broadcast in the shapes the web client checks', async () => {
    const clients = await Promise.all([signIn(ann), signIn(bob), signIn(cat)]);
    const { id, announced } = await group(clients, 'Shapes');
    for (const payload of announced) expect(checkNewConversation(payload)).toEqual([]);

    const replies: JoinReply[] = [];
    const channels: Channel[] = [];
    for (const c of clients) {
      const { channel, reply } = await joined<JoinReply>(c.socket, topicOf(id), c.user);
      replies.push(reply);
      channels.push(channel);
    }
    const events = channels.flatMap((ch) =>
      ['new_message', 'update_message', 'update_alias'].map((event) => ({
        event,
        payloads: collect(ch, event),
      })),
    );
    const [ca, cb] = channels;
    const sent = (await push(ca, 'send_message', { token: ann.authToken, content: 'one' })) as {
      message: MessageJson;
    };
    expect(checkMessageEvent(sent)).toEqual([]);
    await push(cb, 'send_message', { token: bob.authToken, content: 'two' });
    const edited = await push(ca, 'edit_message', {
      token: ann.authToken,
      message_id: sent.message.id,
      content: 'one!',
    });
    expect(checkMessageEvent(edited)).toEqual([]);
    await push(ca, 'change_alias', { token: ann.authToken, alias: 'Shaped' });
    const told = clients.map((c) => nextEvent(c.inbox, 'new_conversation'));
    await push(ca, 'modify_conversation', { token: ann.authToken, new_members: [], alias: '' });
    for (const payload of await Promise.all(told))
      expect(checkNewConversation(payload)).toEqual([]);
    const expected: Record<string, number> = { new_message: 2, update_message: 1, update_alias: 2 };
    await waitFor(
      () => events.every(({ event, payloads }) => payloads.length === expected[event]),
      1000,
      'every broadcast',
    );
    for (const { event, payloads } of events) {
      for (const payload of payloads)
        expect({ event, problems: SHAPES[event](payload) }).toEqual({ event, problems: [] });
    }

    replies.push(await freshJoin(cat, id));
    for (const reply of replies) {
      expect(checkChannelJoin(reply)).toEqual([]);
      expect(reply.messages.page_token).not.toBeNull();
    }

    // Pages over REST: with a next page (a non-empty token) and at the end ("").
    const first = await request(t.url)
      .get('/api/messages')
      .query({ conversation_id: id, page_size: 2 })
      .set('Authorization', cat.bearer)
      .expect(200);
    expect(checkMessagesBody(first.body)).toEqual([]);
    const page1 = (first.body as { messages: JoinReply['messages'] }).messages;
    expect(page1.items.map((m) => m.content)).toEqual(['two', 'one!']);
    expect(page1.page_token).not.toBe('');
    const second = await request(t.url)
      .get('/api/messages')
      .query({ conversation_id: id, page_size: 2, page_token: page1.page_token })
      .set('Authorization', cat.bearer)
      .expect(200);
    expect(checkMessagesBody(second.body)).toEqual([]);
    const page2 = (second.body as { messages: JoinReply['messages'] }).messages;
    expect(page2.items.map((m) => m.content)).toEqual(['Hello all']);
    expect(page2.page_token).toBe('');

    // Timestamps carry milliseconds (Part A 1).
    for (const m of [...page1.items, ...page2.items]) {
      expect(m.inserted_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(m.updated_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(seen.length).toBeGreaterThan(0);
  });
});
