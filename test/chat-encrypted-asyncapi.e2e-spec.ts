// docs/asyncapi.yaml against what the server really sends in encrypted conversations (issue 15):
// every frame of an encrypted session validates against its documented message, and the session
// covers every operation tagged `encrypted` (the plain session of asyncapi-frames covers the rest).
import { fileURLToPath } from 'node:url';
import type { Socket } from 'phoenix';
import {
  AsyncApiFrames,
  type CapturedFrame,
  captureFrames,
  checkAll,
} from './support/asyncapi-frames.js';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import { encryptToAll, generateKeys, type Jwk } from './support/e2e-crypto.js';
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

describe('AsyncAPI document against an encrypted session', () => {
  let t: TestApp;
  let doc: AsyncApiFrames;
  const frames: CapturedFrame[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    doc = await AsyncApiFrames.load(CHAT_DOC);
  });
  afterAll(async () => {
    await disconnectAll();
    await t.close();
  });

  const heard = (topic: string, event: string) =>
    waitFor(() => frames.some((f) => f.topic === topic && f.event === event), 3000, event);

  async function signIn(user: RegisteredUser) {
    const socket: Socket = await connect(t.socketUrl, { params: { token: user.authToken } });
    captureFrames(socket, frames);
    await join(socket.channel(`user:${user.id}`, { token: user.authToken }));
    const system = socket.channel('system:general', { token: user.authToken });
    await join(system);
    return { socket, system };
  }

  it('every frame matches the document, and every encrypted operation is seen', async () => {
    const [ann, bob, cat] = await Promise.all([1, 2, 3].map(() => registerUser(t.url)));
    const a = await signIn(ann);
    const b = await signIn(bob);
    const token = ann.authToken;
    const annKeys = await generateKeys();
    const bobKeys = await generateKeys();

    const groupId = (await push(a.system, 'start_group_conversation', {
      token,
      user_ids: [bob.id],
      alias: 'Secret',
      ...annKeys,
    })) as string;
    await push(a.system, 'start_private_conversation', {
      token,
      other_user_id: cat.id,
      ...annKeys,
    });
    expect(
      (
        await pushReply(a.system, 'start_private_conversation', {
          token,
          other_user_id: cat.id,
          ...annKeys,
        })
      ).response,
    ).toEqual({ reason: 'conversation_already_exists' });
    await heard(`user:${bob.id}`, 'new_conversation');

    const ca = a.socket.channel(`conversation:${groupId}`, { token });
    await join(ca);
    const cb = b.socket.channel(`conversation:${groupId}`, { token: bob.authToken });
    await join(cb);
    await push(cb, 'set_encryption_keys', { token: bob.authToken, ...bobKeys });
    expect(
      (await pushReply(cb, 'set_encryption_keys', { token: bob.authToken, ...bobKeys })).response,
    ).toEqual({ reason: 'keys_already_set' });
    await heard(`conversation:${groupId}`, 'set_encryption_keys');

    const ring: Record<string, Jwk> = {
      [ann.id]: annKeys.public_key,
      [bob.id]: bobKeys.public_key,
    };
    const sent = (await push(ca, 'send_message', {
      token,
      encrypted_messages: await encryptToAll(ring, 'documented'),
      client_msg_id: 'k1',
    })) as { message: { message_group: string; id: string } };
    await heard(`user:${bob.id}`, 'new_message');
    expect(
      (
        await pushReply(ca, 'send_message', {
          token,
          encrypted_messages: { [ann.id]: (await encryptToAll(ring, 'x'))[ann.id] },
        })
      ).response,
    ).toEqual({ reason: 'not_enough_recipients' });
    await push(ca, 'edit_message', {
      token,
      message_group_id: sent.message.message_group,
      encrypted_messages: await encryptToAll(ring, 'documented!'),
    });
    await heard(`user:${bob.id}`, 'edit_message');
    const doomed = (await push(ca, 'send_message', {
      token,
      encrypted_messages: await encryptToAll(ring, 'oops'),
    })) as { message: { message_group: string } };
    await push(ca, 'delete_message', { token, message_group_id: doomed.message.message_group });
    await heard(`conversation:${groupId}`, 'delete_message');
    // A rejoin with last_seen_id: the join reply has keys and `missed`.
    const bobAgain = await signIn(bob);
    const again = bobAgain.socket.channel(`conversation:${groupId}`, {
      token: bob.authToken,
      last_seen_id: sent.message.message_group,
    });
    await join(again);
    await push(ca, 'modify_conversation', { token, new_members: [], alias: 'Still secret' });

    const { problems, covered } = checkAll(doc, frames);
    expect(problems).toEqual([]);
    expect(covered).toEqual(expect.arrayContaining(doc.operationIds('encrypted')));
    expect(doc.operationIds('encrypted')).toHaveLength(6);
  });
});
