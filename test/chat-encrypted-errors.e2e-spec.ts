// Encrypted conversations refuse bad input with their documented error and change nothing
// (chat-encrypted spec Part A items 1, 3, 4, 5; issue 15 acceptance 2): recipient sets, the
// ciphertext limit, bad keys, duplicate keys, someone else's group, the protocol mismatch in both
// directions, a bad token, a non-UUID private lookup. No channel crashes: each keeps working.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Channel } from 'phoenix';
import pg from 'pg';
import request from 'supertest';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import { encryptToAll, generateKeys, type Jwk, type KeyPairJwk } from './support/e2e-crypto.js';
import {
  type EncryptedClient,
  type EncryptedMessage,
  openConversation,
  signIn,
} from './support/encrypted-chat.js';
import { disconnectAll, push, pushReply, sleep } from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const error = (reason: string) => ({
  status: 'error',
  response: expect.objectContaining({ reason }) as unknown,
});

/** A WebCrypto-shaped RSA-OAEP-256 JWK pair of `bits` (node:crypto, quicker for 1024). */
function pairOf(bits: number): KeyPairJwk {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    public_key: { ...publicKey.export({ format: 'jwk' }), alg: 'RSA-OAEP-256', ext: true },
    private_key: { ...privateKey.export({ format: 'jwk' }), alg: 'RSA-OAEP-256', ext: true },
  };
}

describe('encrypted conversations: refused input', () => {
  let t: TestApp;
  let db: pg.Client;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let cat: RegisteredUser;
  let a: EncryptedClient;
  let b: EncryptedClient;
  let groupId: string;
  let plainId: string;
  let annGroup: Channel;
  let bobGroup: Channel;
  let annPlain: Channel;
  let ring: Record<string, Jwk>;
  let bobsMessage: EncryptedMessage;
  let annKeys: KeyPairJwk;

  /** Rows of every table encrypted conversations write, to see that nothing changed. */
  async function counts() {
    const { rows } = await db.query<Record<string, string>>(`
      SELECT (SELECT count(*) FROM conversations) AS conversations,
             (SELECT count(*) FROM conversation_members) AS members,
             (SELECT count(*) FROM conversation_keys) AS keys,
             (SELECT count(*) FROM message_groups) AS groups,
             (SELECT count(*) FROM message_groups WHERE deleted_at IS NOT NULL) AS deleted,
             (SELECT count(*) FROM encrypted_messages) AS copies,
             (SELECT string_agg(content, ',' ORDER BY id) FROM encrypted_messages) AS contents,
             (SELECT count(*) FROM messages) AS plain`);
    return rows[0];
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    [ann, bob, cat] = await Promise.all([
      registerUser(t.url),
      registerUser(t.url),
      registerUser(t.url),
    ]);
    [a, b] = await Promise.all([signIn(t.socketUrl, ann), signIn(t.socketUrl, bob)]);
    annKeys = await generateKeys();
    groupId = (await push(a.system, 'start_group_conversation', {
      token: ann.authToken,
      user_ids: [bob.id],
      alias: null,
      ...annKeys,
    })) as string;
    plainId = (await push(a.system, 'start_conversation', {
      token: ann.authToken,
      private: false,
      user_ids: [bob.id],
      message: 'plain',
      alias: 'Plain',
    })) as string;
    const joined = await openConversation(a, groupId);
    annGroup = joined.channel;
    ring = { ...joined.reply.public_keys };
    bobGroup = (await openConversation(b, groupId)).channel;
    const bobKeys = await generateKeys();
    await push(bobGroup, 'set_encryption_keys', { token: bob.authToken, ...bobKeys });
    ring[bob.id] = bobKeys.public_key;
    annPlain = (await openConversation(a, plainId)).channel;
    bobsMessage = (
      (await push(bobGroup, 'send_message', {
        token: bob.authToken,
        encrypted_messages: await encryptToAll(ring, 'from bob'),
      })) as { message: EncryptedMessage }
    ).message;
  });

  afterAll(async () => {
    await disconnectAll();
    await db.end();
    await t.close();
  });

  /** Every case: the reply, then nothing changed, then the channel still works. */
  async function refused(
    channel: Channel,
    event: string,
    payload: Record<string, unknown>,
    reason: string,
  ) {
    const before = await counts();
    expect(await pushReply(channel, event, payload)).toEqual(error(reason));
    await sleep(20);
    expect(await counts()).toEqual(before);
    expect(channel.state).toBe('joined');
    const alive = channel.topic.startsWith('conversation:')
      ? pushReply(channel, 'start_typing', {})
      : pushReply(channel, 'set_hidden', { hidden: false });
    expect(await alive).toMatchObject({ status: 'ok' });
  }

  describe('send_message recipients and ciphertexts', () => {
    let full: Record<string, string>;

    beforeAll(async () => {
      full = await encryptToAll(ring, 'x');
    });

    it('a set that misses a member: not_enough_recipients', async () => {
      await refused(
        annGroup,
        'send_message',
        { token: ann.authToken, encrypted_messages: { [ann.id]: full[ann.id] } },
        'not_enough_recipients',
      );
    });

    it('an extra recipient: too_many_recipients', async () => {
      await refused(
        annGroup,
        'send_message',
        { token: ann.authToken, encrypted_messages: { ...full, [cat.id]: full[ann.id] } },
        'too_many_recipients',
      );
    });

    it('a non-member instead of a member: invalid_recipients (also a key that is no user id)', async () => {
      await refused(
        annGroup,
        'send_message',
        {
          token: ann.authToken,
          encrypted_messages: { [ann.id]: full[ann.id], [cat.id]: full[bob.id] },
        },
        'invalid_recipients',
      );
      await refused(
        annGroup,
        'send_message',
        { token: ann.authToken, encrypted_messages: { ...full, 'not-a-user': full[ann.id] } },
        'invalid_recipients',
      );
    });

    it('a ciphertext over 8 KiB: ciphertext_too_large; not base64 or empty: invalid_payload', async () => {
      const big = 'A'.repeat(8192 + 4);
      await refused(
        annGroup,
        'send_message',
        { token: ann.authToken, encrypted_messages: { ...full, [bob.id]: big } },
        'ciphertext_too_large',
      );
      for (const bad of ['not base64!', '', 42, null]) {
        await refused(
          annGroup,
          'send_message',
          { token: ann.authToken, encrypted_messages: { ...full, [bob.id]: bad } },
          'invalid_payload',
        );
      }
      await refused(
        annGroup,
        'send_message',
        { token: ann.authToken, encrypted_messages: 'x' },
        'invalid_payload',
      );
    });

    it('exactly 8 KiB is accepted', async () => {
      const edge = 'A'.repeat(8192);
      const reply = await pushReply(annGroup, 'send_message', {
        token: ann.authToken,
        encrypted_messages: { ...full, [bob.id]: edge },
      });
      expect(reply).toMatchObject({ status: 'ok' });
    });
  });

  describe('keys', () => {
    it('a malformed or too-small key: invalid_key, no conversation, no key row', async () => {
      const good = await generateKeys();
      const small = pairOf(1024);
      const cases: Array<Record<string, unknown>> = [
        { ...good, public_key: { ...good.public_key, n: undefined } },
        { ...good, public_key: { ...good.public_key, alg: 'RSA1_5' } },
        { ...good, private_key: { ...good.private_key, d: 'not base64url!' } },
        { ...good, public_key: good.private_key },
        { ...good, public_key: 'a string' },
        { ...good, private_key: (await generateKeys()).private_key },
        { ...small },
      ];
      for (const keys of cases) {
        await refused(
          a.system,
          'start_group_conversation',
          { token: ann.authToken, user_ids: [bob.id], ...keys },
          'invalid_key',
        );
        await refused(
          a.system,
          'start_private_conversation',
          { token: ann.authToken, other_user_id: cat.id, ...keys },
          'invalid_key',
        );
      }
    });

    it('set_encryption_keys: a bad key (invalid_key), a duplicate (keys_already_set), a bad token', async () => {
      const small = pairOf(1024);
      const fresh = await generateKeys();
      await refused(
        bobGroup,
        'set_encryption_keys',
        { token: bob.authToken, ...small },
        'invalid_key',
      );
      await refused(
        bobGroup,
        'set_encryption_keys',
        { token: bob.authToken, ...fresh },
        'keys_already_set',
      );
      await refused(
        annGroup,
        'set_encryption_keys',
        { token: ann.authToken, ...fresh },
        'keys_already_set',
      );
      await refused(
        bobGroup,
        'set_encryption_keys',
        { token: 'not-a-token', ...fresh },
        'invalid_token',
      );
      await refused(bobGroup, 'set_encryption_keys', { token: bob.authToken }, 'invalid_key');
    });

    it('start_private_conversation: oneself (incorrect_num_users), twice (conversation_already_exists), a bad id', async () => {
      const keys = await generateKeys();
      await refused(
        a.system,
        'start_private_conversation',
        { token: ann.authToken, other_user_id: ann.id, ...keys },
        'incorrect_num_users',
      );
      expect(
        await push(a.system, 'start_private_conversation', {
          token: ann.authToken,
          other_user_id: cat.id,
          ...keys,
        }),
      ).toEqual(expect.any(String));
      const catClient = await signIn(t.socketUrl, cat);
      await refused(
        catClient.system,
        'start_private_conversation',
        { token: cat.authToken, other_user_id: ann.id, ...(await generateKeys()) },
        'conversation_already_exists',
      );
      await refused(
        a.system,
        'start_private_conversation',
        { token: ann.authToken, other_user_id: 'undefined', ...keys },
        'invalid_user_ids',
      );
      await refused(
        a.system,
        'start_private_conversation',
        { token: ann.authToken, other_user_id: randomUUID(), ...keys },
        'invalid_ids',
      );
    });
  });

  describe("someone else's message group", () => {
    it('edit_message and delete_message by another member: forbidden; an unknown group: not_found', async () => {
      await refused(
        annGroup,
        'edit_message',
        {
          token: ann.authToken,
          message_group_id: bobsMessage.message_group,
          encrypted_messages: await encryptToAll(ring, 'hijacked'),
        },
        'forbidden',
      );
      await refused(
        annGroup,
        'delete_message',
        { token: ann.authToken, message_group_id: bobsMessage.message_group },
        'forbidden',
      );
      await refused(
        annGroup,
        'delete_message',
        { token: ann.authToken, message_group_id: randomUUID() },
        'not_found',
      );
    });

    it('an edit for other recipients than the group had: not_enough / too_many / invalid', async () => {
      const full = await encryptToAll(ring, 'edited');
      const group = bobsMessage.message_group;
      const edit = (encrypted_messages: Record<string, string>, reason: string) =>
        refused(
          bobGroup,
          'edit_message',
          { token: bob.authToken, message_group_id: group, encrypted_messages },
          reason,
        );
      await edit({ [bob.id]: full[bob.id] }, 'not_enough_recipients');
      await edit({ ...full, [cat.id]: full[bob.id] }, 'too_many_recipients');
      await edit({ [bob.id]: full[bob.id], [cat.id]: full[ann.id] }, 'invalid_recipients');
    });
  });

  describe('the protocol mismatch, both ways', () => {
    it('plaintext events on an encrypted conversation: encrypted_conversation', async () => {
      await refused(
        annGroup,
        'send_message',
        { token: ann.authToken, content: 'in clear' },
        'encrypted_conversation',
      );
      await refused(
        annGroup,
        'edit_message',
        { token: ann.authToken, message_id: bobsMessage.id, content: 'in clear' },
        'encrypted_conversation',
      );
      await refused(
        annGroup,
        'delete_message',
        { token: ann.authToken, message_id: bobsMessage.id },
        'encrypted_conversation',
      );
    });

    it('encrypted events on a plain conversation: plain_conversation', async () => {
      const keys = await generateKeys();
      await refused(
        annPlain,
        'send_message',
        { token: ann.authToken, encrypted_messages: await encryptToAll(ring, 'secret') },
        'plain_conversation',
      );
      await refused(
        annPlain,
        'edit_message',
        {
          token: ann.authToken,
          message_group_id: bobsMessage.message_group,
          encrypted_messages: await encryptToAll(ring, 'secret'),
        },
        'plain_conversation',
      );
      await refused(
        annPlain,
        'delete_message',
        { token: ann.authToken, message_group_id: bobsMessage.message_group },
        'plain_conversation',
      );
      await refused(
        annPlain,
        'set_encryption_keys',
        { token: ann.authToken, ...keys },
        'plain_conversation',
      );
    });
  });

  describe('GET /api/conversations/private/:user_id', () => {
    it('a non-UUID answers {conversation_id: null}, never a 500; no bearer: 401', async () => {
      for (const id of ['undefined', 'null', '1', "'; DROP TABLE users; --", 'x'.repeat(300)]) {
        const res = await request(t.url)
          .get(`/api/conversations/private/${encodeURIComponent(id)}`)
          .set('Authorization', ann.bearer)
          .expect(200);
        expect(res.body).toEqual({ conversation_id: null });
      }
      await request(t.url).get(`/api/conversations/private/${bob.id}`).expect(401);
    });

    it('is in the OpenAPI document, with its 200 body and the bearer', async () => {
      const doc = (await request(t.url).get('/docs/openapi.json').expect(200)).body as {
        paths: Record<
          string,
          Record<string, { security: unknown; responses: Record<string, unknown> }>
        >;
      };
      const route = doc.paths['/api/conversations/private/{user_id}']?.get;
      expect(route).toBeDefined();
      expect(route.security).toEqual([{ bearer: [] }]);
      expect(JSON.stringify(route.responses['200'])).toContain('PrivateConversationResponse');
    });
  });

  it('no key or ciphertext in any log line', () => {
    const logs = t.logText();
    expect(logs).not.toContain(bobsMessage.content);
    for (const key of Object.values(ring)) expect(logs).not.toContain(key.n as string);
    for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      expect(logs).not.toContain(annKeys.private_key[name] as string);
    }
  });
});
