// Keys at rest (chat-encrypted spec Part A item 3; issue 15 acceptance 3): the database, read
// directly, holds no private key material in clear; the sealed value opens only with
// KEY_VAULT_SECRET (AES-256-GCM), and a server with another secret refuses to hand it out.
import pg from 'pg';
import { KeyVault } from '../src/conversations/encryption/key-vault.js';
import type { Config } from '../src/config/config.js';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import { encryptToAll, generateKeys, type KeyPairJwk } from './support/e2e-crypto.js';
import { openConversation, signIn } from './support/encrypted-chat.js';
import { disconnectAll, join, push, ReplyError } from './support/phoenix-client.js';
import { startTestApp, TEST_ENV, type TestApp } from './support/test-app.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

/** Every way a member's bytes could appear in a row's text: base64url, base64, hex. */
function forms(b64url: string): string[] {
  const bytes = Buffer.from(b64url, 'base64url');
  return [b64url, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('hex')];
}

describe('encrypted conversations: keys at rest', () => {
  let t: TestApp;
  let db: pg.Client;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let conversationId: string;
  const keys: KeyPairJwk[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    [ann, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const [a, b] = await Promise.all([signIn(t.socketUrl, ann), signIn(t.socketUrl, bob)]);
    keys.push(await generateKeys(), await generateKeys());
    conversationId = (await push(a.system, 'start_private_conversation', {
      token: ann.authToken,
      other_user_id: bob.id,
      ...keys[0],
    })) as string;
    const { channel } = await openConversation(b, conversationId);
    await push(channel, 'set_encryption_keys', { token: bob.authToken, ...keys[1] });
    await push(channel, 'send_message', {
      token: bob.authToken,
      encrypted_messages: await encryptToAll(
        { [ann.id]: keys[0].public_key, [bob.id]: keys[1].public_key },
        'at rest',
      ),
    });
  });

  afterAll(async () => {
    await disconnectAll();
    await db.end();
    await t.close();
  });

  it('no table holds private key material in clear (every row of every table, as text)', async () => {
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const dump: string[] = [];
    for (const { name } of tables) {
      const { rows } = await db.query<{ row: string }>(
        `SELECT t::text AS row FROM ${db.escapeIdentifier(name)} t`,
      );
      dump.push(...rows.map((r) => r.row));
    }
    const text = dump.join('\n');
    expect(text).toContain(keys[0].public_key.n as string); // the scan does see the keys' rows
    for (const pair of keys) {
      for (const member of PRIVATE_MEMBERS) {
        for (const form of forms(pair.private_key[member] as string)) {
          expect(text).not.toContain(form);
        }
      }
    }
  });

  it('the private key is sealed: AES-256-GCM under KEY_VAULT_SECRET, bound to its row', async () => {
    const { rows } = await db.query<{ user_id: string; sealed: Buffer; public_key: object }>(
      `SELECT user_id, private_key_sealed AS sealed, public_key FROM conversation_keys
        WHERE conversation_id = $1 ORDER BY user_id`,
      [conversationId],
    );
    expect(rows).toHaveLength(2);
    const vault = new KeyVault({ vault: { secret: TEST_ENV.KEY_VAULT_SECRET } } as Config);
    for (const row of rows) {
      const pair = row.user_id === ann.id ? keys[0] : keys[1];
      const opened = JSON.parse(
        vault.open(row.sealed, `conversation_keys:${conversationId}:${row.user_id}`),
      ) as Record<string, unknown>;
      expect(opened).toMatchObject({ d: pair.private_key.d, n: pair.private_key.n });
      for (const member of PRIVATE_MEMBERS) expect(row.public_key).not.toHaveProperty(member);
      const other = rows.find((r) => r.user_id !== row.user_id)!.user_id;
      expect(() =>
        vault.open(row.sealed, `conversation_keys:${conversationId}:${other}`),
      ).toThrow();
    }
  });

  it('a server with another KEY_VAULT_SECRET answers key_unavailable, and logs no key', async () => {
    const other = await startTestApp(
      { KEY_VAULT_SECRET: 'another-key-vault-secret-of-enough-length-99' },
      { databaseUrl: t.databaseUrl },
    );
    try {
      const client = await signIn(other.socketUrl, ann);
      const channel = client.socket.channel(`conversation:${conversationId}`, {
        token: ann.authToken,
      });
      await expect(join(channel)).rejects.toEqual(
        new ReplyError('error', { reason: 'key_unavailable' }),
      );
      channel.leave();
      // nestjs-pino writes through the first app a test file boots: its sink has every line.
      const logs = t.logText() + other.logText();
      expect(logs).toContain('does not open with KEY_VAULT_SECRET');
      for (const member of PRIVATE_MEMBERS) {
        expect(logs).not.toContain(keys[0].private_key[member] as string);
      }
    } finally {
      await disconnectAll();
      await other.close();
    }
  });
});
