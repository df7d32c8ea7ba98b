/**
 * Issue 13, item 2: the dashboard of a cluster. Built server processes (`npx nest build` first)
 * on one database and the machine's Redis; an operator watches `admin:dashboard` on node1 with
 * the official phoenix client, and node2's numbers reach it over the bus while someone watches.
 */
import type { DashboardSnapshot } from '../../src/dashboard/cluster-snapshot.js';
import {
  ADMIN_API_TOKEN,
  type Cluster,
  describeCluster,
  HOLOQUEST_API_TOKEN,
  startCluster,
} from '../support/cluster.js';
import { collect, connect, disconnectAll, join, waitFor } from '../support/phoenix-client.js';
import { createPlayer } from '../support/rally-players.js';

/** A few snapshots (one a second), on a loaded machine with two servers and jest. */
const SEEN_MS = 8000;

await describeCluster('cluster: the dashboard', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ size: 2 });
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => cluster.nodes[i - 1];

  it('shows every node, sums their connections, and drops a node that died', async () => {
    const operator = await connect(node(1).socketUrl, {
      authToken: ADMIN_API_TOKEN,
      params: { dashboard: '1' },
    });
    const channel = operator.channel('admin:dashboard', {});
    const snapshots = collect<DashboardSnapshot>(channel, 'snapshot');
    await join(channel);
    const latest = () => snapshots[snapshots.length - 1];
    const names = () => latest()?.nodes.map((n) => n.name) ?? [];
    const connections = () => latest().connections.websocket + latest().connections.longpoll;

    // node2 hears that someone watches and sends its summary every second from then on.
    await waitFor(() => names().join() === 'node1,node2', SEEN_MS, 'both nodes');
    expect(latest()).toMatchObject({ cluster: cluster.name, node: 'node1' });
    expect(latest().nodes[1].bus).toMatchObject({ backend: 'redis', connected: true });

    const before = connections();
    const player = await createPlayer(node(2).url, HOLOQUEST_API_TOKEN, 'Far');
    for (let i = 0; i < 5; i++) await connect(node(2).socketUrl, { params: { userToken: player } });
    await waitFor(() => connections() === before + 5, SEEN_MS, `${before + 5} connections`);
    expect(latest().nodes.find((n) => n.name === 'node2')!.connections.websocket).toBe(5);

    await node(2).kill('SIGKILL');
    await waitFor(() => names().join() === 'node1', SEEN_MS, 'node2 to leave the list');
  });
});
