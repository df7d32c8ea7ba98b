// Hostile channel payloads (issue #11): strings PostgreSQL cannot hold, JSON nested past the
// limit and binary where JSON is expected get error replies on every chat and rally event; no
// channel crashes, nothing changes, and honest users' sends are unaffected.
import type { Channel, Socket } from 'phoenix';
import pg from 'pg';
import { MessagesService } from '../src/messages/messages.service.js';
import { PlayersService } from '../src/rally/players.service.js';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import {
  arrayBuffer,
  connect,
  disconnectAll,
  join,
  push,
  pushReply,
  type ReplyResult,
} from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const error = (reason: string) => ({ status: 'error', response: reason === '' ? {} : { reason } });
const TEXT_ERROR = 'contains characters that are not allowed';

/** `{v: {v: … 'leaf'}}`, `levels` objects deep. */
function deep(levels: number): object {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { v: value };
  return value as object;
}

describe('hostile channel payloads', () => {
  let t: TestApp;
  let db: pg.Client;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let socket: Socket;
  let system: Channel;
  let conversation: Channel;
  let conversationId: string;
  let crashes: number;

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });
  afterEach(() => disconnectAll());

  beforeEach(async () => {
    crashes = 0;
    [ann, bob] = await Promise.all([
      registerUser(t.url, { display_name: 'Ann' }),
      registerUser(t.url, { display_name: 'Bob' }),
    ]);
    socket = await connect(t.socketUrl, { params: { token: ann.authToken } });
    system = socket.channel('system:general', { token: ann.authToken });
    await join(system);
    conversationId = (await push(system, 'start_conversation', {
      token: ann.authToken,
      private: false,
      user_ids: [bob.id],
      message: 'hello',
      alias: 'Group',
    })) as string;
    conversation = socket.channel(`conversation:${conversationId}`, { token: ann.authToken });
    await join(conversation);
    for (const channel of [system, conversation])
      channel.onError(() => {
        crashes += 1;
      });
  });

  const token = () => ({ token: ann.authToken });
  const counts = async () => {
    const { rows } = await db.query<{ messages: string; conversations: string; alias: string }>(
      `SELECT (SELECT count(*) FROM messages) AS messages,
              (SELECT count(*) FROM conversations) AS conversations,
              (SELECT alias FROM conversations WHERE id = $1) AS alias`,
      [conversationId],
    );
    const { rows: names } = await db.query<{ display_name: string }>(
      'SELECT display_name FROM users WHERE id = $1',
      [ann.id],
    );
    return { ...rows[0], name: names[0].display_name };
  };

  it('refuses U+0000 and lone surrogates on every chat event that stores text, changing nothing', async () => {
    const before = await counts();
    const cases: Array<[Channel, string, object, ReplyResult]> = [
      [
        system,
        'set_display_name',
        { ...token(), display_name: NUL },
        {
          status: 'error',
          response: { reason: 'validation_failed', errors: { display_name: [TEXT_ERROR] } },
        },
      ],
      [
        system,
        'start_conversation',
        { ...token(), private: false, user_ids: [bob.id], message: NUL },
        error('invalid_payload'),
      ],
      [
        system,
        'start_conversation',
        { ...token(), private: false, user_ids: [bob.id], message: 'hi', alias: NUL },
        error('invalid_payload'),
      ],
      [conversation, 'send_message', { ...token(), content: NUL }, error('invalid_payload')],
      [
        conversation,
        'send_message',
        { ...token(), content: LONE_SURROGATE },
        error('invalid_payload'),
      ],
      [
        conversation,
        'send_message',
        { ...token(), content: 'fine', client_msg_id: NUL },
        error('invalid_payload'),
      ],
      [conversation, 'change_alias', { ...token(), alias: NUL }, error('invalid_payload')],
      [
        conversation,
        'modify_conversation',
        { ...token(), new_members: [], alias: NUL },
        error('invalid_payload'),
      ],
      [
        conversation,
        'edit_message',
        { ...token(), message_id: '00000000-0000-4000-8000-000000000000', content: NUL },
        error('invalid_payload'),
      ],
    ];
    for (const [channel, event, payload, expected] of cases) {
      expect({ event, payload, reply: await pushReply(channel, event, payload) }).toEqual({
        event,
        payload,
        reply: expected,
      });
    }
    expect(await counts()).toEqual(before);
    expect(crashes).toBe(0);
    expect(await push(conversation, 'send_message', { ...token(), content: 'still fine' })).toEqual(
      { message: expect.objectContaining({ content: 'still fine' }) },
    );
  });

  it('refuses JSON nested deeper than 32 levels and binary payloads on every chat event', async () => {
    const events: Array<[Channel, string]> = [
      [system, 'set_hidden'],
      [system, 'set_display_name'],
      [system, 'start_conversation'],
      [system, 'no_such_event'],
      [conversation, 'send_message'],
      [conversation, 'edit_message'],
      [conversation, 'delete_message'],
      [conversation, 'start_typing'],
      [conversation, 'finish_typing'],
      [conversation, 'read_conversation'],
      [conversation, 'change_alias'],
      [conversation, 'modify_conversation'],
      [conversation, 'leave_conversation'],
      [conversation, 'no_such_event'],
    ];
    const before = await counts();
    for (const [channel, event] of events) {
      const tooDeep = await pushReply(channel, event, { ...token(), content: deep(40) });
      expect({ event, tooDeep }).toEqual({ event, tooDeep: error('invalid_payload') });
    }
    for (const [channel, event] of events.filter(([, e]) => e !== 'no_such_event')) {
      const bytes = await pushReply(channel, event, arrayBuffer([1, 2, 3]));
      expect({ event, bytes }).toEqual({ event, bytes: error('invalid_payload') });
    }
    expect(await counts()).toEqual(before);
    expect(crashes).toBe(0);
    expect(conversation.state).toBe('joined');
    expect(system.state).toBe('joined');
  });

  it('refuses a join whose params are nested too deeply', async () => {
    const deepJoin = socket.channel(`user:${ann.id}`, { ...token(), extra: deep(40) });
    const refused = await new Promise((resolve) => deepJoin.join().receive('error', resolve));
    expect(refused).toEqual({ reason: 'invalid_payload' });
    deepJoin.leave();
  });

  it('refuses NUL sends at the edge while honest members’ sends are all stored, in order', async () => {
    const bobSocket = await connect(t.socketUrl, { params: { token: bob.authToken } });
    const bobChannel = bobSocket.channel(`conversation:${conversationId}`, {
      token: bob.authToken,
    });
    await join(bobChannel);
    const honest = Array.from({ length: 40 }, (_, i) =>
      push(conversation, 'send_message', { ...token(), content: `honest ${i}` }),
    );
    const poisoned = Array.from({ length: 40 }, () =>
      pushReply(bobChannel, 'send_message', { token: bob.authToken, content: NUL }),
    );
    expect(await Promise.all(poisoned)).toEqual(poisoned.map(() => error('invalid_payload')));
    expect((await Promise.all(honest)).length).toBe(40);
    const { rows } = await db.query<{ content: string }>(
      'SELECT content FROM messages WHERE conversation_id = $1 AND sender_id = $2 ORDER BY inserted_at',
      [conversationId, ann.id],
    );
    expect(rows.map((r) => r.content)).toEqual([
      'hello',
      ...Array.from({ length: 40 }, (_, i) => `honest ${i}`),
    ]);
  });

  it('commits the rest of a send batch when one item fails in the database', async () => {
    // Past the channel edge (which refuses NUL), a batch that the database refuses is split.
    const messages = t.app.get(MessagesService);
    const sends = Array.from({ length: 30 }, (_, i) =>
      messages.send(conversationId, ann.id, i === 17 ? NUL : `batched ${i}`, null),
    );
    const settled = await Promise.allSettled(sends);
    expect(settled.map((s) => s.status)).toEqual(
      settled.map((_, i) => (i === 17 ? 'rejected' : 'fulfilled')),
    );
    const { rows } = await db.query<{ content: string; tx: string }>(
      `SELECT content, xmin::text AS tx FROM messages
        WHERE conversation_id = $1 AND content LIKE 'batched %'`,
      [conversationId],
    );
    expect(rows.map((r) => r.content).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `batched ${i}`)
        .filter((_, i) => i !== 17)
        .sort(),
    );
    // Committed in groups: the first send alone, then the split halves of the failed batch of
    // 29 (at most 2·log2 of it), never one transaction per message as a replay would be.
    const transactions = new Set(rows.map((r) => r.tx)).size;
    expect(transactions).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(29)));
  });

  describe('stamp-rally notifications', () => {
    let channel: Channel;
    let rallyCrashes: number;

    beforeEach(async () => {
      const player = await t.app.get(PlayersService).create({ nickname: 'Ame' });
      const rallySocket = await connect(t.socketUrl, { params: { userToken: player.id } });
      channel = rallySocket.channel('notifications', {});
      await join(channel);
      rallyCrashes = 0;
      channel.onError(() => {
        rallyCrashes += 1;
      });
    });

    it('answers deep, binary and NUL payloads with errors on every event, and keeps working', async () => {
      const tooDeep = {
        status: 'error',
        response: {
          reason: 'invalid payload',
          errors: { payload: ['is nested too deeply (more than 32 levels)'] },
        },
      };
      const binary = {
        status: 'error',
        response: {
          reason: 'invalid payload',
          errors: { payload: ['expected a JSON payload, got binary'] },
        },
      };
      for (const event of ['shout', 'ping', 'pong', 'collected', 'rally-completed']) {
        expect({ event, reply: await pushReply(channel, event, deep(40)) }).toEqual({
          event,
          reply: tooDeep,
        });
        const bytes = await pushReply(channel, event, arrayBuffer([0, 1]));
        expect({ event, bytes }).toEqual({ event, bytes: binary });
      }
      expect(await pushReply(channel, 'shout', { text: NUL })).toEqual({
        status: 'error',
        response: { reason: 'invalid payload', errors: { text: [TEXT_ERROR] } },
      });
      expect(await pushReply(channel, 'collected', { nickname: NUL })).toEqual({
        status: 'error',
        response: { reason: 'invalid payload', errors: { nickname: [TEXT_ERROR] } },
      });
      expect(await push(channel, 'ping', { still: 'alive' })).toEqual({ still: 'alive' });
      expect(rallyCrashes).toBe(0);
      expect(channel.state).toBe('joined');
    });
  });
});
