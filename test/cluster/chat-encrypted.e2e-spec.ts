/**
 * Issue 15: encrypted conversations across nodes. Per-recipient delivery on `user:{id}` goes
 * through the realtime broadcast API, so it crosses the bus like every other broadcast; the
 * shared KEY_VAULT_SECRET lets every node open the keys another node sealed. Two built server
 * processes on one database and the machine's Redis (`npx nest build` first).
 */
import { registerUser } from '../support/chat-users.js';
import { type Cluster, describeCluster, startCluster } from '../support/cluster.js';
import { decryptWith, encryptToAll, generateKeys } from '../support/e2e-crypto.js';
import { deliveryOf, openConversation, signIn } from '../support/encrypted-chat.js';
import { disconnectAll, nextEvent, push } from '../support/phoenix-client.js';

await describeCluster('cluster: encrypted conversations across nodes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ size: 2 });
  }, 60_000);
  afterAll(async () => {
    await disconnectAll();
    await cluster?.stop();
  });

  const node = (i: number) => cluster.nodes[i - 1];

  it('keys set on one node reach the other; each recipient gets its ciphertext on its node', async () => {
    const [ann, bob] = await Promise.all([registerUser(node(1).url), registerUser(node(1).url)]);
    const a = await signIn(node(1).socketUrl, ann);
    const b = await signIn(node(2).socketUrl, bob);
    const annKeys = await generateKeys();
    const id = (await push(a.system, 'start_private_conversation', {
      token: ann.authToken,
      other_user_id: bob.id,
      ...annKeys,
    })) as string;

    const annSide = await openConversation(a, id);
    const bobSide = await openConversation(b, id);
    expect(Object.keys(bobSide.reply.public_keys)).toEqual([ann.id]);

    const bobKeys = await generateKeys();
    const heard = nextEvent<{ user_id: string }>(annSide.channel, 'set_encryption_keys', 5000);
    await push(bobSide.channel, 'set_encryption_keys', { token: bob.authToken, ...bobKeys });
    expect((await heard).user_id).toBe(bob.id);

    const sent = (await push(annSide.channel, 'send_message', {
      token: ann.authToken,
      encrypted_messages: await encryptToAll(
        { [ann.id]: annKeys.public_key, [bob.id]: bobKeys.public_key },
        'across the bus',
      ),
    })) as { message: { message_group: string } };
    const toBob = await deliveryOf(b, sent.message.message_group, 'received', 5000);
    expect(await decryptWith(bobKeys.private_key, toBob.message.content)).toBe('across the bus');

    // Bob's private key, sealed through node 2, opens on node 1.
    const bobOnNode1 = await signIn(node(1).socketUrl, bob);
    const again = await openConversation(bobOnNode1, id);
    expect(again.reply.private_key).toMatchObject({ user_id: bob.id, d: bobKeys.private_key.d });
  });
});
