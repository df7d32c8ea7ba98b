/**
 * Issue 12, item 6 and the SIGKILL part of acceptance 1: Redis dropping the nodes' pub/sub
 * connections, and a node dying without warning. Three built server processes on one database
 * and the machine's Redis, one official `phoenix` client per node (`npx nest build` first).
 *
 * The pub/sub connections are killed with `CLIENT KILL TYPE pubsub`, narrowed to this run's
 * connections (by id) so that other runs sharing the Redis keep theirs.
 */
import type { Channel } from 'phoenix';
import { registerUser } from '../support/chat-users.js';
import {
  type Cluster,
  describeCluster,
  HOLOQUEST_API_TOKEN,
  startCluster,
} from '../support/cluster.js';
import {
  collect,
  connect,
  disconnectAll,
  join,
  push,
  pushReply,
  waitFor,
} from '../support/phoenix-client.js';
import { createPlayer, joinNotifications, type JoinedPlayer } from '../support/rally-players.js';

/** How long a node may take to resubscribe and carry broadcasts again (the bound). */
const RESUME_MS = 5000;

type Shout = { from?: string; n: number | string };

await describeCluster('cluster: bus faults', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ env: { RALLY_RATE_LIMIT: '100000' } });
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => cluster.nodes[i - 1];
  const playerOn = async (i: number): Promise<JoinedPlayer> =>
    joinNotifications(node(i).socketUrl, await createPlayer(node(1).url, HOLOQUEST_API_TOKEN));
  /** How many times the channel was errored (phx_error, then the client rejoins). */
  const errorsOf = (channel: Channel) => {
    const count = { errors: 0 };
    channel.onError(() => void count.errors++);
    return count;
  };

  it('after CLIENT KILL TYPE pubsub, every node resubscribes, logs the gap, and carries broadcasts again within 5 s', async () => {
    const [sender, at2, at3] = await Promise.all([1, 2, 3].map(playerOn));
    const receivers = [at2, at3].map(({ channel }) => ({
      channel,
      shouts: collect<Shout>(channel, 'shout'),
      faults: errorsOf(channel),
    }));

    expect(await cluster.killPubSubConnections()).toBe(3);

    // Keep shouting from node 1 until a shout sent after the kill arrives at nodes 2 and 3.
    let n = 0;
    const shouting = setInterval(() => void pushReply(sender.channel, 'shout', { n: n++ }), 50);
    try {
      await waitFor(
        () => receivers.every((r) => r.shouts.length > 0),
        RESUME_MS,
        'a broadcast from node 1 at nodes 2 and 3 after the kill',
      );
    } finally {
      clearInterval(shouting);
    }

    // Every node noticed: it logged the restored connection and made its channels rejoin.
    for (const member of cluster.nodes) {
      const logs = () => member.logs();
      await waitFor(
        () => /bus connection restored/.test(logs()),
        RESUME_MS,
        `${member.name}'s log`,
      );
      expect(logs()).toMatch(/bus gap: \d+ sockets' channels rejoin/);
    }
    // The clients got phx_error, rejoined, and are served.
    for (const r of receivers) {
      expect(r.faults.errors).toBeGreaterThan(0);
      await waitFor(() => r.channel.state === 'joined', RESUME_MS, 'the rejoined channel');
      expect(await push(r.channel, 'ping', { still: 'here' })).toEqual({ still: 'here' });
    }
    for (const { url } of cluster.nodes) expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('a chat message sent while the bus is down reaches a member on another node (rejoin with last_seen_id)', async () => {
    const [ann, bob] = await Promise.all([1, 2].map(() => registerUser(node(1).url)));
    const annSocket = await connect(node(1).socketUrl, { params: { token: ann.authToken } });
    const bobSocket = await connect(node(2).socketUrl, { params: { token: bob.authToken } });
    const system = annSocket.channel('system:general', {});
    await join(system);
    const id = (await push(system, 'start_conversation', {
      private: true,
      user_ids: [bob.id],
      message: 'before',
    })) as string;

    // Bob's channel as the web client keeps it: every (re)join says what it saw last.
    type Message = { id: string; content: string };
    const seen = new Map<string, string>();
    let lastSeen: string | undefined;
    const see = (message: Message) => {
      seen.set(message.id, message.content);
      lastSeen = message.id;
    };
    const bobChannel = bobSocket.channel(`conversation:${id}`, () =>
      lastSeen === undefined ? {} : { last_seen_id: lastSeen },
    );
    const bobErrors = errorsOf(bobChannel);
    bobChannel.on('new_message', ({ message }: { message: Message }) => see(message));
    const joined = new Promise<void>((resolve) => {
      bobChannel
        .join()
        .receive(
          'ok',
          (reply: { messages: { items: Message[] }; missed?: { items: Message[] } }) => {
            if (lastSeen === undefined) reply.messages.items.slice().reverse().forEach(see);
            reply.missed?.items.forEach(see);
            resolve();
          },
        );
    });
    await joined;
    expect([...seen.values()]).toEqual(['before']);

    const annChannel = annSocket.channel(`conversation:${id}`, {});
    await join(annChannel);
    expect(await cluster.killPubSubConnections()).toBe(3);
    // Sent at once: node 2 is not subscribed yet, the broadcast is lost on the bus.
    const sent = (await push(annChannel, 'send_message', { content: 'during the outage' })) as {
      message: Message;
    };

    await waitFor(() => seen.has(sent.message.id), RESUME_MS, 'the message at bob on node 2');
    expect([...seen.values()]).toEqual(['before', 'during the outage']);
    expect(bobErrors.errors).toBeGreaterThan(0);
  });

  it('SIGKILL of node 3 loses no broadcast between nodes 1 and 2; a restarted node 3 gets them again', async () => {
    // A client on node 3 too: the node dies with a joined channel.
    const [one, two] = await Promise.all([1, 2, 3].map(playerOn));
    const at1 = collect<Shout>(one.channel, 'shout');
    const at2 = collect<Shout>(two.channel, 'shout');

    // Both survivors stream numbered shouts, and node 3 dies in the middle of the streams.
    const stream = (channel: Channel, from: string, numbers: number[]) =>
      numbers.map((n) => push(channel, 'shout', { from, n }));
    const range = (start: number, end: number) =>
      Array.from({ length: end - start }, (_, i) => start + i);
    const replies = [
      ...stream(one.channel, 'a', range(0, 100)),
      ...stream(two.channel, 'b', range(0, 100)),
    ];
    const killed = node(3).kill('SIGKILL');
    replies.push(
      ...stream(one.channel, 'a', range(100, 200)),
      ...stream(two.channel, 'b', range(100, 200)),
    );
    replies.push(push(one.channel, 'shout', { from: 'a', n: 'end' }));
    replies.push(push(two.channel, 'shout', { from: 'b', n: 'end' }));
    await Promise.all([...replies, killed]);

    const expected = [...range(0, 200), 'end'];
    for (const [name, seen] of [
      ['node1', at1],
      ['node2', at2],
    ] as const) {
      const from = (origin: string) => seen.filter((s) => s.from === origin).map((s) => s.n);
      await waitFor(
        () => from('a').includes('end') && from('b').includes('end'),
        10_000,
        `both end markers at ${name}`,
      );
      expect(from('a')).toEqual(expected);
      expect(from('b')).toEqual(expected);
    }

    // The same NODE_NAME with a new boot id: broadcasts reach it again.
    await node(3).restart();
    const back = await playerOn(3);
    const atBack = collect<Shout>(back.channel, 'shout');
    await push(one.channel, 'shout', { from: 'a', n: 'after restart' });
    await waitFor(() => atBack.length > 0, RESUME_MS, 'a shout at the restarted node 3');
    expect(atBack).toEqual([{ from: 'a', n: 'after restart' }]);
  });
});
