// Encrypted conversations driven as the newest chat-app client drives them (chat-encrypted spec,
// Part A and B.6): the official phoenix client, and Node's WebCrypto for RSA-OAEP 2048/SHA-256
// JWK keys. Start private and group conversations with keys, set missing keys, encrypt for every
// member, receive on user:<id> and decrypt, edit, delete, page the history, recover after a
// reconnect with last_seen_id, and client_msg_id idempotency.
import { randomUUID } from 'node:crypto';
import type { Channel } from 'phoenix';
import request from 'supertest';
import { TS, UUID } from './support/chat-shapes.js';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import {
  decryptWith,
  encryptToAll,
  generateKeys,
  type Jwk,
  type KeyPairJwk,
} from './support/e2e-crypto.js';
import {
  deliveryOf,
  type EncryptedClient,
  type EncryptedMessage,
  openConversation,
  signIn,
} from './support/encrypted-chat.js';
import {
  collect,
  disconnect,
  disconnectAll,
  type Frame,
  nextEvent,
  push,
  recordFrames,
  sleep,
} from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PRIVATE_MEMBERS = ['d', 'dp', 'dq', 'p', 'q', 'qi'];

describe('encrypted conversations (the newest web client)', () => {
  let t: TestApp;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let cat: RegisteredUser;
  let dan: RegisteredUser;
  let a: EncryptedClient;
  let b: EncryptedClient;
  let c: EncryptedClient;
  let d: EncryptedClient;
  /** Each user's key pair per conversation, as the client keeps it after importing. */
  const keysOf = new Map<string, KeyPairJwk>();
  const keyFor = (user: RegisteredUser, conversationId: string) =>
    keysOf.get(`${user.id}:${conversationId}`)!;

  beforeAll(async () => {
    t = await startTestApp();
    [ann, bob, cat, dan] = await Promise.all([
      registerUser(t.url),
      registerUser(t.url),
      registerUser(t.url),
      registerUser(t.url),
    ]);
    [a, b, c, d] = await Promise.all([ann, bob, cat, dan].map((u) => signIn(t.socketUrl, u)));
  });

  afterAll(async () => {
    await disconnectAll();
    await t.close();
  });

  /** A member's public keys as the client holds them: the join reply's plus later broadcasts. */
  function keyring(channel: Channel, initial: Record<string, Jwk>): Record<string, Jwk> {
    const ring = { ...initial };
    channel.on('set_encryption_keys', (payload: { user_id: string; public_key: Jwk }) => {
      ring[payload.user_id] = payload.public_key;
    });
    return ring;
  }

  /** Sends `text` encrypted for every key of `ring`; answers the sender's own copy. */
  async function sendEncrypted(
    channel: Channel,
    sender: RegisteredUser,
    ring: Record<string, Jwk>,
    text: string,
    clientMsgId?: string,
  ): Promise<EncryptedMessage> {
    const payload: Record<string, unknown> = {
      token: sender.authToken,
      encrypted_messages: await encryptToAll(ring, text),
    };
    if (clientMsgId !== undefined) payload.client_msg_id = clientMsgId;
    const reply = (await push(channel, 'send_message', payload)) as { message: EncryptedMessage };
    return reply.message;
  }

  const decrypt = (user: RegisteredUser, conversationId: string, m: EncryptedMessage) =>
    decryptWith(keyFor(user, conversationId).private_key, m.content);

  function expectPublicOnly(key: Jwk, userId: string) {
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RSA-OAEP-256', type: 'public', user_id: userId });
    // The private members are there as null (as the original sent them), never with a value.
    for (const name of PRIVATE_MEMBERS) expect(key[name]).toBeNull();
  }

  function expectMessageShape(m: EncryptedMessage) {
    expect(Object.keys(m).sort()).toEqual(
      ['content', 'id', 'inserted_at', 'message_group', 'sender', 'updated_at'].sort(),
    );
    expect(m.id).toMatch(UUID);
    expect(m.message_group).toMatch(UUID);
    expect(m.inserted_at).toMatch(TS);
    expect(m.updated_at).toMatch(TS);
    expect(m.content).toMatch(/^[A-Za-z0-9+/]{342}==$/); // 256 bytes of RSA-OAEP-2048
  }

  describe('a private conversation', () => {
    let id: string;
    let annChannel: Channel;
    let bobChannel: Channel;
    let annRing: Record<string, Jwk>;
    let bobRing: Record<string, Jwk>;
    const sentGroups: string[] = [];

    it('starts with the creator keys: reply is the bare id, both members hear new_conversation', async () => {
      const keys = await generateKeys();
      const reply = await push(a.system, 'start_private_conversation', {
        token: ann.authToken,
        other_user_id: bob.id,
        ...keys,
      });
      expect(reply).toEqual(expect.stringMatching(UUID));
      id = reply as string;
      keysOf.set(`${ann.id}:${id}`, keys);
      for (const client of [a, b]) {
        await deliveryAnnounced(client, id);
      }
      const announcement = a.announced.find((n) => n.conversation.id === id)!;
      expect(announcement.user_ids.sort()).toEqual([ann.id, bob.id].sort());
      expect(announcement.conversation).toMatchObject({ private: true, alias: null });
    });

    it('the join reply has public_keys (the caller included) and the caller private_key', async () => {
      const joinedA = await openConversation(a, id);
      annChannel = joinedA.channel;
      const reply = joinedA.reply;
      expect(Object.keys(reply.public_keys)).toEqual([ann.id]);
      expectPublicOnly(reply.public_keys[ann.id], ann.id);
      const mine = keyFor(ann, id);
      expect(reply.public_keys[ann.id].n).toBe(mine.public_key.n);
      expect(reply.private_key).toMatchObject({
        type: 'private',
        user_id: ann.id,
        d: mine.private_key.d,
        p: mine.private_key.p,
        qi: mine.private_key.qi,
      });
      expect(reply.users.map((u) => u.id).sort()).toEqual([ann.id, bob.id].sort());
      expect(reply.messages).toEqual({ items: [], page_token: '' });
      annRing = keyring(annChannel, reply.public_keys);

      const joinedB = await openConversation(b, id);
      bobChannel = joinedB.channel;
      expect(joinedB.reply.private_key).toBeNull();
      expect(Object.keys(joinedB.reply.public_keys)).toEqual([ann.id]);
      bobRing = keyring(bobChannel, joinedB.reply.public_keys);
    });

    it('a member without keys sets them; the others receive the public key only', async () => {
      const keys = await generateKeys();
      const heard = nextEvent<{ user_id: string; public_key: Jwk }>(
        annChannel,
        'set_encryption_keys',
      );
      expect(
        await push(bobChannel, 'set_encryption_keys', { token: bob.authToken, ...keys }),
      ).toEqual({});
      keysOf.set(`${bob.id}:${id}`, keys);
      const event = await heard;
      expect(event.user_id).toBe(bob.id);
      expectPublicOnly(event.public_key, bob.id);
      expect(event.public_key.n).toBe(keys.public_key.n);
      await sleep(50);
      expect(Object.keys(annRing).sort()).toEqual([ann.id, bob.id].sort());
      expect(Object.keys(bobRing).sort()).toEqual([ann.id, bob.id].sort());
      // A rejoin (which replaces the channel) sees both public keys and bob's own private key.
      const again = await openConversation(b, id);
      expect(again.reply.private_key).toMatchObject({ user_id: bob.id, d: keys.private_key.d });
      expect(Object.keys(again.reply.public_keys).sort()).toEqual([ann.id, bob.id].sort());
      bobChannel = again.channel;
      bobRing = keyring(bobChannel, again.reply.public_keys);
    });

    it('sends: each member gets its own ciphertext on user:<id> before the reply, and decrypts it', async () => {
      const frames: Frame[] = recordFrames(a.socket);
      const own = await sendEncrypted(annChannel, ann, annRing, 'hello bob 👋');
      sentGroups.push(own.message_group);
      expectMessageShape(own);
      expect(own.sender).toBe(ann.id);

      // ann's delivery on user:<ann> came before the phx_reply to the push.
      const deliveryAt = frames.findIndex(
        (f) => f.topic === `user:${ann.id}` && f.event === 'new_message',
      );
      const replyAt = frames.findIndex(
        (f) => f.topic === `conversation:${id}` && f.event === 'phx_reply',
      );
      expect(deliveryAt).toBeGreaterThanOrEqual(0);
      expect(deliveryAt).toBeLessThan(replyAt);

      const toAnn = await deliveryOf(a, own.message_group);
      const toBob = await deliveryOf(b, own.message_group);
      expect(toAnn).toEqual({ conversation_id: id, message: own });
      expect(toBob.conversation_id).toBe(id);
      expectMessageShape(toBob.message);
      expect(toBob.message.id).not.toBe(own.id);
      expect(toBob.message.content).not.toBe(own.content);
      expect(await decrypt(ann, id, toAnn.message)).toBe('hello bob 👋');
      expect(await decrypt(bob, id, toBob.message)).toBe('hello bob 👋');
      // Nothing in clear on the conversation topic.
      expect(
        frames.some((f) => f.topic === `conversation:${id}` && f.event === 'new_message'),
      ).toBe(false);

      const reply = await sendEncrypted(bobChannel, bob, bobRing, 'hi ann');
      sentGroups.push(reply.message_group);
      expect(await decrypt(ann, id, (await deliveryOf(a, reply.message_group)).message)).toBe(
        'hi ann',
      );
    });

    it('edits a message group: every recipient gets edit_message with a fresh ciphertext', async () => {
      const group = sentGroups[0];
      const reply = (await push(annChannel, 'edit_message', {
        token: ann.authToken,
        message_group_id: group,
        encrypted_messages: await encryptToAll(annRing, 'hello bob (edited)'),
      })) as { message: EncryptedMessage };
      expect(reply.message.message_group).toBe(group);
      const toBob = await deliveryOf(b, group, 'edits');
      expect(toBob.conversation_id).toBe(id);
      expect(await decrypt(bob, id, toBob.message)).toBe('hello bob (edited)');
      expect(await decrypt(ann, id, (await deliveryOf(a, group, 'edits')).message)).toBe(
        'hello bob (edited)',
      );
      const original = b.received.find((r) => r.message.message_group === group)!;
      expect(toBob.message.id).toBe(original.message.id);
      expect(toBob.message.inserted_at).toBe(original.message.inserted_at);
    });

    it('deletes a message group: delete_message {message_group_id} on the conversation topic', async () => {
      const doomed = await sendEncrypted(annChannel, ann, annRing, 'to be deleted');
      const heard = nextEvent(bobChannel, 'delete_message');
      expect(
        await push(annChannel, 'delete_message', {
          token: ann.authToken,
          message_group_id: doomed.message_group,
        }),
      ).toEqual({});
      expect(await heard).toEqual({ message_group_id: doomed.message_group });
      const page = await history(bob, id, 50);
      expect(page.map((m) => m.message_group)).not.toContain(doomed.message_group);
    });

    it('pages the history through GET /api/messages: own ciphertexts only, each decryptable', async () => {
      for (let i = 0; i < 12; i++) {
        sentGroups.push((await sendEncrypted(annChannel, ann, annRing, `page ${i}`)).message_group);
      }
      const seen: EncryptedMessage[] = [];
      let token = '';
      let pages = 0;
      do {
        const res = await request(t.url)
          .get('/api/messages')
          .query({ conversation_id: id, page_size: 5, page_token: token })
          .set('Authorization', bob.bearer)
          .expect(200);
        const body = res.body as { messages: { items: EncryptedMessage[]; page_token: string } };
        expect(body.messages.items.length).toBeLessThanOrEqual(5);
        seen.push(...body.messages.items);
        token = body.messages.page_token;
        pages++;
      } while (token !== '');
      expect(pages).toBe(3);
      expect(seen.map((m) => m.message_group)).toEqual([...sentGroups].reverse());
      for (const m of seen) expectMessageShape(m);
      const texts = await Promise.all(seen.map((m) => decrypt(bob, id, m)));
      expect(texts.slice(0, 3)).toEqual(['page 11', 'page 10', 'page 9']);
      expect(texts.at(-1)).toBe('hello bob (edited)');
      // Bob's page holds bob's copies: the ids are those delivered to bob.
      const bobIds = new Set(b.received.map((r) => r.message.id));
      expect(seen.filter((m) => m.message_group === sentGroups[0]).map((m) => m.id)).toEqual(
        [...bobIds].filter((mid) =>
          b.received.some((r) => r.message.id === mid && r.message.message_group === sentGroups[0]),
        ),
      );
      // The join reply's first page is the same list's newest 20.
      const joined = await openConversation(b, id);
      bobChannel = joined.channel;
      expect(joined.reply.messages.items.map((m) => m.message_group)).toEqual(
        seen.slice(0, 20).map((m) => m.message_group),
      );
      expect(joined.reply.messages.page_token).toBe('');
    });

    it('recovers after a reconnect with last_seen_id (a message group or a delivered copy id)', async () => {
      const lastSeen = b.received.at(-1)!.message;
      await disconnect(b.socket);
      const missedTexts = ['while away 1', 'while away 2', 'while away 3'];
      const missedGroups: string[] = [];
      for (const text of missedTexts) {
        missedGroups.push((await sendEncrypted(annChannel, ann, annRing, text)).message_group);
      }
      b = await signIn(t.socketUrl, bob);
      for (const anchor of [lastSeen.message_group, lastSeen.id]) {
        const { reply } = await openConversation(b, id, { last_seen_id: anchor });
        expect(reply.missed!.complete).toBe(true);
        expect(reply.missed!.items.map((m) => m.message_group)).toEqual(missedGroups);
        expect(await Promise.all(reply.missed!.items.map((m) => decrypt(bob, id, m)))).toEqual(
          missedTexts,
        );
      }
      const unknown = await openConversation(b, id, { last_seen_id: randomUUID() });
      expect(unknown.reply.missed).toEqual({ items: [], complete: false });
    });

    it('a repeated client_msg_id stores and delivers nothing new and answers the original', async () => {
      const { channel } = await openConversation(b, id);
      const before = a.received.length;
      const key = randomUUID();
      const first = await sendEncrypted(channel, bob, bobRing, 'once', key);
      const again = await sendEncrypted(channel, bob, bobRing, 'once (retry)', key);
      expect(again).toEqual(first);
      await deliveryOf(a, first.message_group);
      await sleep(100);
      expect(a.received.slice(before).map((r) => r.message.message_group)).toEqual([
        first.message_group,
      ]);
      const page = await history(ann, id, 100);
      expect(page.filter((m) => m.message_group === first.message_group)).toHaveLength(1);
    });

    it('pipelined sends reach every member in the stored order (what last_seen_id relies on)', async () => {
      const { channel } = await openConversation(b, id);
      const payloads = await Promise.all(
        Array.from({ length: 15 }, async (_, i) => ({
          token: bob.authToken,
          encrypted_messages: await encryptToAll(bobRing, `burst ${i}`),
        })),
      );
      const before = a.received.length;
      const replies = (await Promise.all(
        payloads.flatMap((payload) => [
          push(channel, 'send_message', payload),
          push(annChannel, 'send_message', {
            token: ann.authToken,
            encrypted_messages: payload.encrypted_messages,
          }),
        ]),
      )) as Array<{ message: EncryptedMessage }>;
      await waitForCount(a, before + replies.length);
      const delivered = a.received.slice(before).map((r) => r.message.message_group);
      const stored = (await history(ann, id, 100))
        .slice(0, replies.length)
        .reverse()
        .map((m) => m.message_group);
      expect(delivered).toEqual(stored);
    });

    it('GET /api/conversations/private/:user_id finds it; a non-UUID or a stranger answers null', async () => {
      const find = (who: RegisteredUser, other: string) =>
        request(t.url)
          .get(`/api/conversations/private/${other}`)
          .set('Authorization', who.bearer)
          .expect(200)
          .then((res) => res.body as { conversation_id: string | null });
      expect(await find(ann, bob.id)).toEqual({ conversation_id: id });
      expect(await find(bob, ann.id.toUpperCase())).toEqual({ conversation_id: id });
      expect(await find(ann, 'undefined')).toEqual({ conversation_id: null });
      expect(await find(ann, cat.id)).toEqual({ conversation_id: null });
      expect(await find(cat, bob.id)).toEqual({ conversation_id: null });
    });

    it('a plain private conversation between the same two still works beside it', async () => {
      const plainId = await push(a.system, 'start_conversation', {
        token: ann.authToken,
        private: true,
        user_ids: [bob.id, ann.id],
        message: 'plain hello',
      });
      expect(plainId).not.toBe(id);
      const { channel, reply } = await openConversation(b, plainId as string);
      expect(reply).not.toHaveProperty('public_keys');
      expect(reply).not.toHaveProperty('private_key');
      expect(reply.messages.items.map((m) => m.content)).toEqual(['plain hello']);
      const sent = (await push(channel, 'send_message', {
        token: bob.authToken,
        content: 'plain reply',
      })) as { message: { content: string } };
      expect(sent.message.content).toBe('plain reply');
    });
  });

  describe('a group conversation', () => {
    let id: string;
    const channels = new Map<string, Channel>();
    const rings = new Map<string, Record<string, Jwk>>();

    it('starts with keys; members without keys set theirs; a message reaches every member', async () => {
      const keys = await generateKeys();
      id = (await push(a.system, 'start_group_conversation', {
        token: ann.authToken,
        user_ids: [bob.id, cat.id, ann.id],
        alias: 'Trio',
        ...keys,
      })) as string;
      expect(id).toMatch(UUID);
      keysOf.set(`${ann.id}:${id}`, keys);
      for (const client of [a, b, c]) await deliveryAnnounced(client, id);
      expect(a.announced.find((n) => n.conversation.id === id)!.conversation).toMatchObject({
        private: false,
        alias: 'Trio',
      });

      for (const client of [a, b, c]) {
        const { channel, reply } = await openConversation(client, id);
        channels.set(client.user.id, channel);
        rings.set(client.user.id, keyring(channel, reply.public_keys));
      }
      for (const client of [b, c]) {
        const own = await generateKeys();
        await push(channels.get(client.user.id)!, 'set_encryption_keys', {
          token: client.user.authToken,
          ...own,
        });
        keysOf.set(`${client.user.id}:${id}`, own);
      }
      await sleep(100);
      for (const client of [a, b, c]) {
        expect(Object.keys(rings.get(client.user.id)!).sort()).toEqual(
          [ann.id, bob.id, cat.id].sort(),
        );
      }

      const sent = await sendEncrypted(channels.get(cat.id)!, cat, rings.get(cat.id)!, 'hi all');
      for (const [client, user] of [
        [a, ann],
        [b, bob],
        [c, cat],
      ] as const) {
        const delivery = await deliveryOf(client, sent.message_group);
        expect(delivery.message.sender).toBe(cat.id);
        expect(await decrypt(user, id, delivery.message)).toBe('hi all');
      }
    });

    it('modify_conversation: `alias` (the client) is honoured; new members set their keys on join', async () => {
      const ac = channels.get(ann.id)!;
      const aliases = collect<{ conversation: { alias: string | null } }>(ac, 'update_alias');
      await push(ac, 'modify_conversation', {
        token: ann.authToken,
        new_members: [dan.id],
        alias: 'Quartet',
      });
      await deliveryAnnounced(d, id);
      const { channel, reply } = await openConversation(d, id);
      expect(reply.conversation.alias).toBe('Quartet');
      expect(reply.private_key).toBeNull();
      expect(Object.keys(reply.public_keys).sort()).toEqual([ann.id, bob.id, cat.id].sort());
      const danKeys = await generateKeys();
      await push(channel, 'set_encryption_keys', { token: dan.authToken, ...danKeys });
      keysOf.set(`${dan.id}:${id}`, danKeys);
      await sleep(100);
      const ring = rings.get(ann.id)!;
      expect(Object.keys(ring)).toContain(dan.id);
      const sent = await sendEncrypted(ac, ann, ring, 'welcome dan');
      expect(await decrypt(dan, id, (await deliveryOf(d, sent.message_group)).message)).toBe(
        'welcome dan',
      );
      // new_alias wins over alias; "" clears it.
      await push(ac, 'modify_conversation', {
        token: ann.authToken,
        new_members: [],
        new_alias: 'Four',
        alias: 'ignored',
      });
      await push(ac, 'modify_conversation', { token: ann.authToken, new_members: [], alias: '' });
      await sleep(100);
      expect(aliases.map((u) => u.conversation.alias)).toEqual(['Quartet', 'Four', null]);
    });
  });

  async function deliveryAnnounced(client: EncryptedClient, conversationId: string) {
    for (let i = 0; i < 100; i++) {
      if (client.announced.some((n) => n.conversation.id === conversationId)) return;
      await sleep(20);
    }
    throw new Error(`no new_conversation for ${client.user.email}`);
  }

  async function waitForCount(client: EncryptedClient, count: number) {
    for (let i = 0; i < 200 && client.received.length < count; i++) await sleep(20);
    expect(client.received.length).toBe(count);
  }

  async function history(user: RegisteredUser, conversationId: string, size: number) {
    const res = await request(t.url)
      .get('/api/messages')
      .query({ conversation_id: conversationId, page_size: size })
      .set('Authorization', user.bearer)
      .expect(200);
    return (res.body as { messages: { items: EncryptedMessage[] } }).messages.items;
  }
});
