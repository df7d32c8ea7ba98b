/**
 * Issue 12, item 6 (readiness): `/health/ready` shows the cluster bus and answers 503 while the
 * node cannot reach it, then 200 again by itself. The node's Redis is one this spec starts and
 * kills (by PID), so that the machine's Redis is left alone.
 */
import request from 'supertest';
import { type Cluster, describeCluster, startCluster } from '../support/cluster.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Readiness {
  status: number;
  body: {
    status: string;
    info?: Record<string, Record<string, unknown>>;
    error?: Record<string, Record<string, unknown>>;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readiness(url: string): Promise<Readiness> {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: (await res.json()) as Readiness['body'] };
}

/** Polls /health/ready until it answers `status` (resolved with that answer), for `withinMs`. */
async function readinessBecomes(url: string, status: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  let last: Readiness | undefined;
  while (Date.now() < deadline) {
    last = await readiness(url);
    if (last.status === status) return last;
    await sleep(100);
  }
  throw new Error(`/health/ready never answered ${status}; last: ${JSON.stringify(last)}`);
}

describe('readiness on one node (no REDIS_URL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CLUSTER_NAME: 'solo', NODE_NAME: 'solo-node' });
  });
  afterAll(() => t.close());

  it('shows the in-process bus, always connected', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body.info.bus).toEqual({
      status: 'up',
      cluster: 'solo',
      node: 'solo-node',
      backend: 'local',
      connected: true,
    });
  });
});

await describeCluster('readiness with the Redis bus', () => {
  let redis: PrivateRedis | undefined;
  let cluster: Cluster | undefined;

  afterAll(async () => {
    await cluster?.stop();
    await redis?.stop();
  });

  it('answers 503 while Redis is unreachable and 200 once it is back, by itself', async () => {
    redis = await startPrivateRedis();
    cluster = await startCluster({ size: 1, env: { REDIS_URL: redis.url } });
    const { url } = cluster.nodes[0];
    const bus = { cluster: cluster.name, node: 'node1', backend: 'redis' };

    const up = await readinessBecomes(url, 200, 5000);
    expect(up.body.info?.bus).toEqual({ status: 'up', ...bus, connected: true });

    await redis.stop();
    const down = await readinessBecomes(url, 503, 10_000);
    expect(down.body.status).toBe('error');
    expect(down.body.error?.bus).toEqual({ status: 'down', ...bus, connected: false });
    expect(down.body.info?.database).toMatchObject({ status: 'up' });

    redis = await startPrivateRedis(redis.port);
    const again = await readinessBecomes(url, 200, 15_000);
    expect(again.body.info?.bus).toEqual({ status: 'up', ...bus, connected: true });
  }, 60_000);
});
