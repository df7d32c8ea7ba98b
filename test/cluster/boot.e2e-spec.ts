/**
 * Issue 12, item 7: nodes starting together on an empty database all become ready; the
 * migrations run under a PostgreSQL advisory lock, so one node applies them and the others wait,
 * then find nothing pending.
 */
import net from 'node:net';
import { migrations } from '../../migrations/index.js';
import { MIGRATION_LOCK_KEY, runMigrations } from '../../src/database/run-migrations.js';
import { type Cluster, describeCluster, startCluster } from '../support/cluster.js';
import { sleep, waitFor } from '../support/phoenix-client.js';
import { createTestDatabase, dropTestDatabase, withAdmin } from '../support/test-database.js';

const migrationNames = migrations.map((migration) => migration.name);

/**
 * A TCP proxy to the database that holds every connection until `count` have arrived, then lets
 * them all through at once (later ones pass at once): nodes whose first connection goes through
 * it reach the database at the same instant, as replicas started together would on a slower
 * machine. After 10 s it opens anyway. Resolves with the database URL through the proxy.
 */
async function startingGate(url: string, count: number) {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let held: net.Socket[] | undefined = [];
  const pass = (client: net.Socket) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
      a.pipe(b);
    }
  };
  const open = () => {
    for (const client of held ?? []) pass(client);
    held = undefined;
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (held === undefined) return pass(client);
    held.push(client);
    if (held.length >= count) open();
  });
  const timer = setTimeout(open, 10_000);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gated = new URL(url);
  gated.port = String((server.address() as net.AddressInfo).port);
  return {
    url: gated.toString(),
    close: () => {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const appliedMigrations = (url: string): Promise<string[]> =>
  withAdmin(url, async (client) =>
    (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map(
      (row) => row.name,
    ),
  );

describe('migrations under the advisory lock', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase(null);
  });
  afterAll(() => dropTestDatabase(url));

  it('wait while another session holds the lock, then run', async () => {
    await withAdmin(url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      const said: string[] = [];
      const run = runMigrations(url, (message) => said.push(message));
      // Positive signal: a session waits on this very lock (pg_locks: key split in two halves).
      const [high, low] = [MIGRATION_LOCK_KEY >> 32n, MIGRATION_LOCK_KEY & 0xffffffffn];
      const waiting = async () => {
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2`,
          [high.toString(), low.toString()],
        );
        return rows[0].n === 1;
      };
      const deadline = Date.now() + 10_000;
      while (!(await waiting())) {
        if (Date.now() > deadline) throw new Error('no session waits for the migration lock');
        await sleep(20);
      }
      await waitFor(() => said.length > 0, 5000, 'the waiting message');
      expect(said).toEqual([
        'another node is migrating the database: waiting for the migration lock',
      ]);
      const { rows } = await holder.query<{ t: string | null }>(
        `SELECT to_regclass('migrations')::text AS t`,
      );
      expect(rows[0].t).toBeNull();

      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      expect(await run).toEqual(migrationNames);
    });
    expect(await appliedMigrations(url)).toEqual(migrationNames);
    expect(await runMigrations(url)).toEqual([]);
  });
});

await describeCluster('three nodes booting together on an empty database', () => {
  let cluster: Cluster | undefined;
  let gate: Awaited<ReturnType<typeof startingGate>> | undefined;
  let url: string;

  afterAll(async () => {
    await cluster?.stop();
    await gate?.close();
    await dropTestDatabase(url);
  });

  it('all become ready; the schema is migrated once, by one of them', async () => {
    url = await createTestDatabase(null);
    gate = await startingGate(url, 3);
    cluster = await startCluster({ size: 3, env: { DATABASE_URL: gate.url } });
    for (const node of cluster.nodes) {
      expect((await fetch(`${node.url}/health/ready`)).status).toBe(200);
    }
    expect(await appliedMigrations(url)).toEqual(migrationNames);
    const logs = cluster.nodes.map((node) => node.logs());
    expect(logs.filter((log) => log.includes('"msg":"applied migrations: '))).toHaveLength(1);
    expect(
      logs.filter((log) => log.includes('"msg":"database schema is up to date"')),
    ).toHaveLength(2);
  }, 90_000);
});
