/**
 * Issue 12, item 1: broadcasts reach the subscribers of every node, exactly once, in the order
 * the origin sent them. Three built server processes on one database and the machine's Redis,
 * one official `phoenix` client per node (`npx nest build` first).
 */
import { randomBytes } from 'node:crypto';
import type { ClusterBus } from '../../src/realtime/cluster/cluster-bus.js';
import { RedisBus } from '../../src/realtime/cluster/redis-bus.js';
import type { Broadcast } from '../../src/realtime/pubsub/broadcast.js';
import { ClusteredPubSub } from '../../src/realtime/pubsub/clustered-pubsub.js';
import { expectNoneBeforeBarrier } from '../support/absence.js';
import { registerUser } from '../support/chat-users.js';
import {
  ADMIN_API_TOKEN,
  type Cluster,
  describeCluster,
  HOLOQUEST_API_TOKEN,
  REDIS_URL,
  startCluster,
} from '../support/cluster.js';
import {
  collect,
  connect,
  disconnectAll,
  join,
  nextEvent,
  push,
  waitFor,
} from '../support/phoenix-client.js';
import { createPlayer, joinNotifications } from '../support/rally-players.js';

const STREAM = 200;
const END = 'end';

await describeCluster('cluster: broadcasts across nodes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ env: { RALLY_RATE_LIMIT: '100000' } });
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => cluster.nodes[i - 1];
  const player = (nickname: string | null = null) =>
    createPlayer(node(1).url, HOLOQUEST_API_TOKEN, nickname);

  it(`delivers ${STREAM} numbered shouts from node 1 to every node once, in order`, async () => {
    const joined = await Promise.all(
      [1, 2, 3].map(async (i) => joinNotifications(node(i).socketUrl, await player())),
    );
    const received = joined.map(({ channel }) => collect<{ n: number | string }>(channel, 'shout'));
    const sender = joined[0].channel;

    // Pipelined: the origin runs one socket's events in order, so it broadcasts them in order.
    const replies = Array.from({ length: STREAM }, (_, n) => push(sender, 'shout', { n }));
    replies.push(push(sender, 'shout', { n: END }));
    await Promise.all(replies);

    // The end marker is the barrier: whatever came before it is checked, duplicates included.
    const expected = [...Array.from({ length: STREAM }, (_, n) => n), END];
    for (const [i, seen] of received.entries()) {
      await waitFor(() => seen.some((s) => s.n === END), 10_000, `the end marker at node${i + 1}`);
      expect(seen.map((s) => s.n)).toEqual(expected);
    }
  });

  it('chat: new_message, new_conversation and update_display_name cross nodes', async () => {
    const [ann, bob, cat] = await Promise.all([1, 2, 3].map(() => registerUser(node(1).url)));
    const online = (i: number, token: string) => connect(node(i).socketUrl, { params: { token } });
    const [annSocket, bobSocket, catSocket] = await Promise.all([
      online(1, ann.authToken),
      online(2, bob.authToken),
      online(3, cat.authToken),
    ]);
    const annSystem = annSocket.channel('system:general', {});
    const bobSystem = bobSocket.channel('system:general', {});
    const catUser = catSocket.channel(`user:${cat.id}`, {});
    await Promise.all([join(annSystem), join(bobSystem), join(catUser)]);

    // A group started through node 1 is announced on cat's user topic, on node 3.
    const announced = nextEvent<{ conversation: { id: string }; user_ids: string[] }>(
      catUser,
      'new_conversation',
      5000,
    );
    const id = (await push(annSystem, 'start_conversation', {
      private: false,
      user_ids: [bob.id, cat.id],
      message: 'first',
    })) as string;
    const announcement = await announced;
    expect(announcement.conversation.id).toBe(id);
    expect([...announcement.user_ids].sort()).toEqual([ann.id, bob.id, cat.id].sort());

    // A message sent through node 1 reaches bob's conversation channel on node 2.
    const annConversation = annSocket.channel(`conversation:${id}`, {});
    const bobConversation = bobSocket.channel(`conversation:${id}`, {});
    await Promise.all([join(annConversation), join(bobConversation)]);
    const atBob = nextEvent<{ message: { id: string; content: string } }>(
      bobConversation,
      'new_message',
      5000,
    );
    const sent = (await push(annConversation, 'send_message', { content: 'across nodes' })) as {
      message: { id: string };
    };
    expect((await atBob).message).toMatchObject({ id: sent.message.id, content: 'across nodes' });

    // A display name set through node 1 is announced on system:general at node 2.
    const renamed = nextEvent(bobSystem, 'update_display_name', 5000);
    await push(annSystem, 'set_display_name', { display_name: 'Annie' });
    expect(await renamed).toEqual({ user_id: ann.id, display_name: 'Annie' });
  });

  it('rally: a targeted msg sent through node 1 reaches only its player, on node 2', async () => {
    const [target, bystander2, bystander3] = await Promise.all([
      player('Target'),
      player('Bystander Two'),
      player('Bystander Three'),
    ]);
    const [t, b2, b3] = await Promise.all([
      joinNotifications(node(2).socketUrl, target),
      joinNotifications(node(2).socketUrl, bystander2),
      joinNotifications(node(3).socketUrl, bystander3),
    ]);
    type Msg = { user_id: string; message: string };
    const [atTarget, at2, at3] = [t, b2, b3].map(({ channel }) => collect<Msg>(channel, 'msg'));

    const notify = async (userId: string, message: string) => {
      const res = await fetch(`${node(1).url}/api/json/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_TOKEN}` },
        body: JSON.stringify({ user_id: userId, message }),
      });
      expect(res.status).toBe(202);
    };
    await notify(target, 'for the target');
    await waitFor(() => atTarget.length > 0, 5000, 'the msg at the target on node 2');
    expect(atTarget).toEqual([{ user_id: target, message: 'for the target' }]);

    // Barriers: a later msg from the same origin to each bystander comes after the target's.
    await notify(bystander2, 'barrier two');
    await notify(bystander3, 'barrier three');
    for (const [seen, barrier] of [
      [at2, 'barrier two'],
      [at3, 'barrier three'],
    ] as const) {
      await expectNoneBeforeBarrier(
        seen,
        (m) => m.user_id === target,
        (m) => m.message === barrier,
        { timeoutMs: 5000, what: "the target's msg at a bystander" },
      );
    }

    // Announcements go to everyone: collected on node 2 reaches node 3.
    const collected = nextEvent(b3.channel, 'collected-broadcast', 5000);
    await push(t.channel, 'collected', { nickname: 'Target' });
    expect(await collected).toEqual({ nickname: 'Target' });
  });

  describe('broadcast_from over the Redis bus (two buses in this process)', () => {
    /** A PubSub subscriber that records what it is handed. */
    const recorder = () => {
      const seen: string[] = [];
      return { seen, deliver: (b: Broadcast) => void seen.push(b.event) };
    };
    const buses: RedisBus[] = [];
    const busFor = async (cluster: string, name: string): Promise<ClusterBus> => {
      const bus = new RedisBus({ url: REDIS_URL, cluster, self: { name, boot: 'b' } });
      buses.push(bus);
      await bus.start();
      return bus;
    };
    afterAll(() => Promise.all(buses.map((bus) => bus.stop())));

    it('skips the sender on its node only; every other subscriber gets it once', async () => {
      const cluster = `nestling-test-${randomBytes(5).toString('hex')}`;
      const a = new ClusteredPubSub(await busFor(cluster, 'a'));
      const b = new ClusteredPubSub(await busFor(cluster, 'b'));
      const [sender, neighbour, remote] = [recorder(), recorder(), recorder()];
      a.subscribe('room', sender);
      a.subscribe('room', neighbour);
      b.subscribe('room', remote);

      a.broadcast('room', 'from', { x: 1 }, sender);
      a.broadcast('room', 'barrier', { x: 2 });

      expect(sender.seen).toEqual(['barrier']);
      expect(neighbour.seen).toEqual(['from', 'barrier']);
      await waitFor(() => remote.seen.includes('barrier'), 5000, 'the barrier on node b');
      expect(remote.seen).toEqual(['from', 'barrier']);
    });
  });
});
