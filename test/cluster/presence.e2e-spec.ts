/**
 * Issue 12, item 2: presence across nodes. Built server processes (`npx nest build` first) on
 * one database and the machine's Redis; stamp-rally players connected with the official
 * `phoenix` client to different nodes, watching the `notifications` topic with phoenix.js's
 * `Presence` (which merges metas by phx_ref, so the owner's refs must reach every node intact).
 */
import {
  type Cluster,
  type ClusterNode,
  describeCluster,
  HOLOQUEST_API_TOKEN,
  startCluster,
} from '../support/cluster.js';
import { connect, disconnectAll, join, leave, presenceOf } from '../support/phoenix-client.js';
import { createPlayer } from '../support/rally-players.js';

const HEARTBEAT_MS = 200;
/** For the death of a node by SIGKILL (issue 12: gone within DOWN + HEARTBEAT). */
const DOWN_MS = 1000;
/** Room for a loaded machine (three servers and jest on two cores) on top of a bound. */
const SLACK_MS = 2500;
/** Long enough to ever hear of a crash quickly: only a boot id or a leave can explain one. */
const NEVER_DOWN_MS = 60_000;

type View = ReturnType<typeof presenceOf>;
type Entries = ReturnType<View['state']>;

/** Clients of a node about to die: they must not come back (to its next process) by themselves. */
const NO_RECONNECT = { reconnectAfterMs: () => 3_600_000 };

/** A player on `node`'s `notifications` topic, watching presence from before its join. */
async function online(node: ClusterNode, nickname: string, options = {}) {
  const id = await createPlayer(node.url, HOLOQUEST_API_TOKEN, nickname);
  const params = { userToken: id };
  const socket = await connect(node.socketUrl, { params, timeout: 10_000, ...options });
  const channel = socket.channel('notifications', { config: { presence: { enabled: true } } });
  const view = presenceOf(channel);
  await join(channel);
  return { nickname, channel, view };
}

const nicknamesIn = (entries: Entries): string[] =>
  Object.values(entries)
    .flatMap((metas) => metas.map((meta) => String(meta.nickname)))
    .sort();

/** Resolves once `view` lists exactly these nicknames (every other player gone). */
function sees(view: View, nicknames: string[], timeoutMs = 5000): Promise<Entries> {
  const expected = [...nicknames].sort().join();
  return view.until((entries) => nicknamesIn(entries).join() === expected, timeoutMs);
}

/** The key and metas of `nickname` in `entries`. */
function entryOf(entries: Entries, nickname: string) {
  return Object.entries(entries).find(([, metas]) => metas.some((m) => m.nickname === nickname));
}

await describeCluster('cluster: presence across nodes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({
      size: 3,
      env: { PRESENCE_HEARTBEAT_MS: String(HEARTBEAT_MS), PRESENCE_DOWN_MS: String(DOWN_MS) },
    });
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => cluster.nodes[i - 1];

  it('players on three nodes see each other join and leave, metas as their node made them', async () => {
    const ann = await online(node(1), 'Ann');
    const bob = await online(node(2), 'Bob');
    const cat = await online(node(3), 'Cat');
    const [annSees, bobSees, catSees] = await Promise.all(
      [ann, bob, cat].map(({ view }) => sees(view, ['Ann', 'Bob', 'Cat'])),
    );
    // Every node lists each player under the same key, with the owner's metas (phx_ref too).
    for (const nickname of ['Ann', 'Bob', 'Cat']) {
      const entries = [annSees, bobSees, catSees].map((seen) => entryOf(seen, nickname));
      expect(entries[0]).toBeDefined();
      expect(entries[1]).toEqual(entries[0]);
      expect(entries[2]).toEqual(entries[0]);
    }

    await leave(bob.channel);
    await Promise.all([sees(ann.view, ['Ann', 'Cat']), sees(cat.view, ['Ann', 'Cat'])]);
  });

  it('a node killed with SIGKILL has all its presences leave on the survivors in time', async () => {
    const ann = await online(node(1), 'Ann');
    const bob = await online(node(2), 'Bob');
    await online(node(3), 'Cat', NO_RECONNECT);
    await online(node(3), 'Cyd', NO_RECONNECT);
    const everyone = ['Ann', 'Bob', 'Cat', 'Cyd'];
    await Promise.all([sees(ann.view, everyone), sees(bob.view, everyone)]);

    await node(3).kill('SIGKILL');
    // Bounded by PRESENCE_DOWN_MS + PRESENCE_HEARTBEAT_MS, with room for a loaded machine.
    const bound = DOWN_MS + HEARTBEAT_MS + SLACK_MS;
    await Promise.all([
      sees(ann.view, ['Ann', 'Bob'], bound),
      sees(bob.view, ['Ann', 'Bob'], bound),
    ]);
  });
});

await describeCluster('cluster: presence when a node restarts or stops', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({
      size: 2,
      env: {
        PRESENCE_HEARTBEAT_MS: String(HEARTBEAT_MS),
        PRESENCE_DOWN_MS: String(NEVER_DOWN_MS),
        // A slow drain: sockets alone would take seconds to leave; leaving the cluster does not.
        SHUTDOWN_DRAIN_MS: '10000',
        SHUTDOWN_TIMEOUT_MS: '20000',
      },
    });
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => cluster.nodes[i - 1];

  it('a node restarted under the same NODE_NAME leaves no ghosts, anywhere', async () => {
    const ann = await online(node(1), 'Ann');
    await online(node(2), 'Ghost', NO_RECONNECT);
    await sees(ann.view, ['Ann', 'Ghost']);

    // Far sooner than PRESENCE_DOWN_MS: the new boot id replaces the old one's entries.
    await node(2).restart();
    await sees(ann.view, ['Ann']);

    // The restarted node lists no ghost either, and its new players reach the others.
    const dan = await online(node(2), 'Dan');
    await Promise.all([sees(dan.view, ['Ann', 'Dan']), sees(ann.view, ['Ann', 'Dan'])]);
  });

  it('a node stopped with SIGTERM has its presences leave at once, before its drain ends', async () => {
    const ann = await online(node(1), 'Ann');
    const leaving = Array.from({ length: 8 }, (_, i) => `Leaver${i}`);
    for (const nickname of leaving) await online(node(2), nickname, NO_RECONNECT);
    await sees(ann.view, ['Ann', ...leaving]);

    // The drain closes one socket per 1.25 s; the node's leave message comes first.
    const stopped = node(2).kill('SIGTERM');
    await sees(ann.view, ['Ann'], 3000);
    await stopped;
  });
});
