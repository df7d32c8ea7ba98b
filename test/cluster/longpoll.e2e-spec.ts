/**
 * Issue 12, item 4: LongPoll without sticky sessions. A session lives on the node that opened
 * it; GETs and POSTs that land on another node are served by the owner through the bus, so a
 * round-robin load balancer works. Three built server processes on one database and the
 * machine's Redis, driven with raw LongPoll HTTP (`npx nest build` first).
 */
import { sample, scrapeUntil } from '../support/metrics.js';
import {
  type Cluster,
  describeCluster,
  HOLOQUEST_API_TOKEN,
  startCluster,
} from '../support/cluster.js';
import { type LongPollBody, LongPollRaw } from '../support/longpoll-raw.js';
import { disconnectAll, push } from '../support/phoenix-client.js';
import { createPlayer, joinNotifications } from '../support/rally-players.js';

const WINDOW_MS = 1000;
const MAX_FRAME_BYTES = 4096;

type RawFrame = [string | null, string | null, string, string, unknown];

/** One LongPoll session whose every request goes to the next node in turn. */
class RoundRobinSession {
  private next = 0;

  constructor(
    private readonly nodes: LongPollRaw[],
    readonly query: string,
  ) {}

  get(): Promise<LongPollBody> {
    return this.turn().get(this.query);
  }

  post(lines: string[]): Promise<LongPollBody> {
    return this.turn().post(this.query, lines);
  }

  /** Polls (each GET on the next node) until `done(frames so far)`; every answer 200 or 204. */
  async pollUntil(done: (frames: RawFrame[]) => boolean, timeoutMs = 10_000): Promise<RawFrame[]> {
    const frames: RawFrame[] = [];
    const deadline = Date.now() + timeoutMs;
    while (!done(frames)) {
      if (Date.now() > deadline) throw new Error(`poll never matched: ${JSON.stringify(frames)}`);
      const polled = await this.get();
      if (polled.status !== 200 && polled.status !== 204)
        throw new Error(`poll answered ${JSON.stringify(polled)}`);
      frames.push(...(polled.messages ?? []).map((m) => JSON.parse(m) as RawFrame));
    }
    return frames;
  }

  private turn(): LongPollRaw {
    return this.nodes[this.next++ % this.nodes.length];
  }
}

await describeCluster('cluster: LongPoll without sticky sessions', () => {
  let cluster: Cluster;
  /** A raw LongPoll client per node. */
  let nodes: LongPollRaw[];

  beforeAll(async () => {
    cluster = await startCluster({
      env: { LONGPOLL_WINDOW_MS: String(WINDOW_MS), WS_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) },
    });
    nodes = cluster.nodes.map(({ url }) => new LongPollRaw(`${url}/socket/longpoll`));
    // A node forwards LongPoll requests only to nodes it has heard from: wait until all have.
    for (const { url } of cluster.nodes)
      await scrapeUntil(
        url,
        (text) => sample(text, 'nestling_cluster_nodes') === 3,
        'all nodes seen',
      );
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => nodes[i - 1];
  const player = () => createPlayer(cluster.nodes[0].url, HOLOQUEST_API_TOKEN);

  /** A session opened on node `owner`, then served round robin from the node after it. */
  async function sessionOn(owner: number, userToken: string) {
    const { token, query } = await node(owner).open(`userToken=${userToken}`);
    const turns = [...nodes.slice(owner), ...nodes.slice(0, owner)];
    return { token, session: new RoundRobinSession(turns, query) };
  }

  it('serves a session opened on node 1 from every node: replies and a WebSocket broadcast', async () => {
    const [lpPlayer, wsPlayer] = await Promise.all([player(), player()]);
    const { token, session } = await sessionOn(1, lpPlayer);
    expect(token).toMatch(/^node1~[A-Za-z0-9_-]{32}$/);

    // The join is POSTed to node 2, its reply polled from node 3, node 1, ...
    expect(await session.post(['["1","1","notifications","phx_join",{}]'])).toEqual({
      status: 200,
    });
    const joined = await session.pollUntil((fs) => fs.some((f) => f[1] === '1'));
    expect(joined.find((f) => f[1] === '1')).toEqual([
      '1',
      '1',
      'notifications',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);

    // A push through whichever node comes next; its reply through the others.
    expect(await session.post(['["1","2","notifications","ping",{"n":7}]'])).toEqual({
      status: 200,
    });
    const pinged = await session.pollUntil((fs) => fs.some((f) => f[1] === '2'));
    expect(pinged.find((f) => f[1] === '2')).toEqual([
      '1',
      '2',
      'notifications',
      'phx_reply',
      { status: 'ok', response: { n: 7 } },
    ]);

    // A shout from a WebSocket client on node 3 reaches the session, polled round robin.
    const ws = await joinNotifications(cluster.nodes[2].socketUrl, wsPlayer);
    const shouted = session.pollUntil((fs) =>
      fs.some((f) => f[3] === 'shout' && (f[4] as { from?: string }).from === 'ws'),
    );
    expect(await push(ws.channel, 'shout', { from: 'ws' })).toEqual({});
    expect((await shouted).filter((f) => f[3] === 'shout')).toEqual([
      [null, null, 'notifications', 'shout', { from: 'ws' }],
    ]);
  });

  it('applies the frame limit to POSTs forwarded to the owner: the session ends (410)', async () => {
    const { session } = await sessionOn(1, await player());
    const big = `["1","1","notifications","ping",{"pad":"${'x'.repeat(MAX_FRAME_BYTES)}"}]`;
    expect(await session.post([big])).toEqual({ status: 410 }); // through node 2
    const heartbeat = '[null,"2","phoenix","heartbeat",{}]';
    expect(await node(1).post(session.query, [heartbeat])).toEqual({ status: 410 });
  });

  it('answers a token naming no live node at once, without waiting on the bus', async () => {
    const forged = `nosuchnode~${'A'.repeat(32)}`;
    // Forwarded, it would wait for the owner's timeout (3 s); refused here, it answers at once.
    const post = await fetch(`${cluster.nodes[0].url}/socket/longpoll?vsn=2.0.0`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'x-phoenix-longpoll-token': forged },
      body: '[null,"1","phoenix","heartbeat",{}]\n',
      signal: AbortSignal.timeout(2000),
    });
    expect(await post.json()).toEqual({ status: 410 });
  });

  it('answers 410 for a session whose owner was killed, once the window and margin pass', async () => {
    const userToken = await player();
    const { token, session } = await sessionOn(3, userToken);
    expect(await session.post(['[null,"1","phoenix","heartbeat",{}]'])).toEqual({ status: 200 });
    expect(await session.pollUntil((fs) => fs.length > 0)).toEqual([
      [null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
    ]);

    await cluster.nodes[2].kill('SIGKILL');
    // A POST to a node that forwards it to the dead owner: no answer, so the session is gone.
    const heartbeat = '[null,"2","phoenix","heartbeat",{}]';
    expect(await node(1).post(session.query, [heartbeat])).toEqual({ status: 410 });
    // A GET: as for any unknown session, a new one opens on the node that received it (the
    // session token in its header, so that the connect params are the first GET's).
    const polled = await node(2).get(`userToken=${userToken}&vsn=2.0.0`, {
      'x-phoenix-longpoll-token': token,
    });
    expect(polled).toEqual({ status: 410, token: expect.stringMatching(/^node2~/), messages: [] });
    expect(polled.token).not.toBe(token);
  });
});
