// The AsyncAPI documents against what the running server really sends: every frame the official
// phoenix client receives while driving the chat and stamp-rally channels (join replies, replies,
// pushes, broadcasts, presence, heartbeats) must belong to a documented operation and validate
// against its message schema, and the run must cover every operation of the document.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Channel, Socket } from 'phoenix';
import request from 'supertest';
import {
  AsyncApiFrames,
  type CapturedFrame,
  captureFrames,
  checkAll,
} from './support/asyncapi-frames.js';
import { NotificationsService } from '../src/rally/notifications.service.js';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import {
  connect,
  disconnectAll,
  join,
  push,
  pushReply,
  waitFor,
} from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CHAT_DOC = fileURLToPath(new URL('../docs/asyncapi.yaml', import.meta.url));
const RALLY_DOC = fileURLToPath(new URL('../docs/asyncapi-stamp-rally.yaml', import.meta.url));

describe('AsyncAPI documents against frames the server sends', () => {
  let t: TestApp;
  let frames: CapturedFrame[];

  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(() => {
    frames = [];
  });
  afterEach(() => disconnectAll());
  afterAll(() => t.close());

  /** Resolves once a frame matching `match` was received (any socket of the test). */
  const received = (what: string, match: (f: CapturedFrame) => boolean) =>
    waitFor(() => frames.some(match), 3000, what);
  const heard = (topic: string, event: string) =>
    received(`${event} on ${topic}`, (f) => f.topic === topic && f.event === event);

  describe('the checker', () => {
    it('flags an undocumented event, a reply to an unknown push and a payload off its schema', async () => {
      const doc = await AsyncApiFrames.load(CHAT_DOC);
      const topic = `conversation:${randomUUID()}`;
      const message = {
        id: randomUUID(),
        sender: randomUUID(),
        content: 'hi',
        inserted_at: '2024-05-01 12:34:56.789Z',
        updated_at: '2024-05-01 12:34:56.789Z',
      };
      const frame = (event: string, payload: unknown, replyTo?: string): CapturedFrame => ({
        join_ref: null,
        ref: null,
        topic,
        event,
        payload,
        replyTo,
      });
      expect(doc.check(frame('new_message', { message }))).toEqual({
        operations: ['conversationNewMessage'],
        problems: [],
      });
      // A timestamp with a T, a missing field, an unknown event, an unanswered reply.
      const wrong = [
        frame('new_message', { message: { ...message, inserted_at: '2024-05-01T12:34:56Z' } }),
        frame('update_message', { message: { ...message, sender: undefined } }),
        frame('message_sent', { message }),
        frame('phx_reply', { status: 'ok', response: {} }),
        frame('phx_reply', { status: 'ok', response: { message: {} } }, 'send_message'),
      ];
      for (const f of wrong) expect(doc.check(f).problems).toHaveLength(1);
    });
  });

  describe('chat (docs/asyncapi.yaml)', () => {
    let doc: AsyncApiFrames;
    beforeAll(async () => {
      doc = await AsyncApiFrames.load(CHAT_DOC);
    });

    interface Client {
      user: RegisteredUser;
      socket: Socket;
      system: Channel;
    }

    /** Connects with capture, joins user:<id> and system:general, as the web client does. */
    async function signIn(user: RegisteredUser): Promise<Client> {
      const socket = await connect(t.socketUrl, { params: { token: user.authToken } });
      captureFrames(socket, frames);
      await join(socket.channel(`user:${user.id}`, { token: user.authToken }));
      const system = socket.channel('system:general', { token: user.authToken });
      await join(system);
      return { user, socket, system };
    }

    async function conversation(client: Client, id: string, params: object = {}) {
      const channel = client.socket.channel(`conversation:${id}`, {
        token: client.user.authToken,
        ...params,
      });
      await join(channel);
      return channel;
    }

    it('every frame of a full session matches the document, and every operation is seen', async () => {
      const [ann, bob, cat] = await Promise.all(
        ['Ann', 'Bob', 'Cat'].map((display_name) => registerUser(t.url, { display_name })),
      );
      const a = await signIn(ann);
      const b = await signIn(bob);
      const c = await signIn(cat);
      const token = ann.authToken;

      // system:general: hidden, display names (ok and refused), conversations.
      await push(a.system, 'set_hidden', { token, hidden: true });
      await push(a.system, 'set_hidden', { token, hidden: false });
      await push(a.system, 'set_display_name', { token, display_name: 'Ann Two' });
      await heard('system:general', 'update_display_name');
      expect(
        (await pushReply(a.system, 'set_display_name', { token, display_name: 'x' })).status,
      ).toBe('error');
      const id = (await push(a.system, 'start_conversation', {
        token,
        private: false,
        alias: 'Plans',
        user_ids: [bob.id],
        message: 'first',
      })) as string;
      await heard(`user:${bob.id}`, 'new_conversation');
      const privateId = (await push(a.system, 'start_conversation', {
        token,
        private: true,
        user_ids: [cat.id],
        message: 'just us',
      })) as string;
      expect(
        (await pushReply(a.system, 'start_conversation', { token, private: true, user_ids: [] }))
          .status,
      ).toBe('error');

      // conversation:<id>: every event, and the broadcasts they cause.
      const topic = `conversation:${id}`;
      const ca = await conversation(a, id);
      const cb = await conversation(b, id);
      const { message } = (await push(ca, 'send_message', {
        token,
        content: 'hello',
        client_msg_id: 'k1',
      })) as { message: { id: string } };
      await push(ca, 'edit_message', { token, message_id: message.id, content: 'hello!' });
      const missing = { token, message_id: randomUUID(), content: 'x' };
      expect((await pushReply(ca, 'edit_message', missing)).status).toBe('error');
      const { message: doomed } = (await push(ca, 'send_message', { token, content: 'oops' })) as {
        message: { id: string };
      };
      await push(ca, 'delete_message', { token, message_id: doomed.id });
      await push(ca, 'start_typing', { token });
      await push(ca, 'finish_typing', { token });
      await push(ca, 'read_conversation', { token });
      await push(ca, 'change_alias', { token, alias: 'Weekend' });
      await push(ca, 'modify_conversation', { token, new_members: [cat.id], alias: 'Trio' });
      await heard(`user:${cat.id}`, 'new_conversation');
      // A rejoin after a disconnect: the join reply has `missed`.
      const again = await signIn(bob);
      await conversation(again, id, { last_seen_id: message.id });
      // cat joins and leaves: leave_conversation, then phx_close for cat.
      const cc = await conversation(c, id);
      await push(cc, 'leave_conversation', { token: cat.authToken });
      await heard(topic, 'phx_close');
      const cp = await conversation(a, privateId);
      expect((await pushReply(cp, 'change_alias', { token, alias: 'no' })).status).toBe('error');

      // Every broadcast reached bob (the last one, finish_typing as cat's channel ended, too).
      for (const event of [
        'new_message',
        'update_message',
        'delete_message',
        'start_typing',
        'finish_typing',
        'read_conversation',
        'update_alias',
        'leave_conversation',
      ])
        await received(`${event} at bob`, (f) => f.topic === topic && f.event === event);
      await push(cb, 'finish_typing', { token: bob.authToken });
      // And a heartbeat reply (every second with the test timers).
      await heard('phoenix', 'phx_reply');

      const { problems, covered } = checkAll(doc, frames);
      expect(problems).toEqual([]);
      expect(covered).toEqual(doc.operationIds());
    });
  });

  describe('stamp rally (docs/asyncapi-stamp-rally.yaml)', () => {
    let doc: AsyncApiFrames;
    beforeAll(async () => {
      doc = await AsyncApiFrames.load(RALLY_DOC);
    });

    const TOPICS = ['notifications', 'notifications:scans'];

    async function player(nickname: string): Promise<string> {
      const res = await request(t.url)
        .post('/api/json/accounts/users/')
        .set({
          Accept: 'application/vnd.api+json',
          'Content-Type': 'application/vnd.api+json',
          Authorization: 'Bearer any',
        })
        .send({ data: { type: 'user', attributes: { nickname } } })
        .expect(201);
      return (res.body as { data: { id: string } }).data.id;
    }

    async function online(id: string): Promise<Record<string, Channel>> {
      const socket = await connect(t.socketUrl, { params: { userToken: id } });
      captureFrames(socket, frames);
      const channels: Record<string, Channel> = {};
      for (const topic of TOPICS) {
        channels[topic] = socket.channel(topic, { config: { presence: { enabled: true } } });
        await join(channels[topic]);
      }
      return channels;
    }

    it('every frame of a full session matches the document, and every operation is seen', async () => {
      const annId = await player('Ann Stored');
      const bobId = await player('Bob Stored');
      const ann = await online(annId);
      const bob = await online(bobId);
      for (const topic of TOPICS) {
        const channel = ann[topic];
        await push(channel, 'collected', { nickname: 'Ann' });
        await push(channel, 'rally-completed', { nickname: 'Ann' });
        await push(channel, 'ping', { any: ['thing', 1] });
        await push(channel, 'pong', { body: 'pong' });
        await push(channel, 'shout', { text: 'hello', n: 1 });
        expect((await pushReply(channel, 'collected', {})).status).toBe('error');
        expect((await pushReply(channel, 'shout', { text: 'x'.repeat(5000) })).status).toBe(
          'error',
        );
        for (const event of ['collected-broadcast', 'rally-completed', 'shout'])
          await received(`${event} at bob`, (f) => f.topic === topic && f.event === event);
      }
      expect(t.app.get(NotificationsService).notifyPlayer(bobId, 'Testiiing')).toBe(1);
      for (const topic of TOPICS) {
        await heard(topic, 'msg');
        await heard(topic, 'presence_state');
        await received(
          `presence_diff on ${topic}`,
          (f) => f.topic === topic && f.event === 'presence_diff',
        );
      }
      await push(bob.notifications, 'ping', {});
      await heard('phoenix', 'phx_reply');

      const { problems, covered } = checkAll(doc, frames);
      expect(problems).toEqual([]);
      expect(covered).toEqual(doc.operationIds());
    });
  });
});
