/**
 * Issue 12, item 5: the HTTP rate limits (per IP and per account) count for the whole cluster
 * when REDIS_URL is set, and per node while Redis is unreachable (requests are never failed for
 * it). Built server processes with AUTH_RATE_LIMIT=3.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uniqueEmail } from '../support/chat-users.js';
import {
  type Cluster,
  describeCluster,
  REDIS_HOST,
  REDIS_PORT,
  startCluster,
} from '../support/cluster.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';

const LIMIT = { AUTH_RATE_LIMIT: '3' };

/** The keys of the machine's Redis that match `pattern`. */
async function redisKeys(pattern: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    'redis-cli',
    ['-h', REDIS_HOST, '-p', String(REDIS_PORT), '--scan', '--pattern', pattern],
    { timeout: 5000 },
  );
  return stdout.split('\n').filter(Boolean);
}

/** Wrong-password logins for `email`, the i-th on `urls[i % urls.length]`: their statuses. */
async function loginStatuses(urls: string[], email: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${urls[i % urls.length]}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Not-the-password-1!' }),
    });
    statuses.push(res.status);
  }
  return statuses;
}

await describeCluster('auth rate limits across the cluster', () => {
  let cluster: Cluster | undefined;
  let redis: PrivateRedis | undefined;

  afterEach(async () => {
    await cluster?.stop();
    await redis?.stop();
    cluster = redis = undefined;
  });

  it('counts the attempts of one email on every node together: 429 after 3 in all', async () => {
    cluster = await startCluster({ size: 2, env: LIMIT });
    const urls = cluster.nodes.map((node) => node.url);
    const email = uniqueEmail('limited');
    expect(await loginStatuses(urls, email, 4)).toEqual([401, 401, 401, 429]);
    // In Redis, under the cluster's name: per route, per IP and per email.
    const keys = await redisKeys(`${cluster.name}:ratelimit:*`);
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:ip:/),
        `${cluster.name}:ratelimit:auth:AuthController.login:email:${email}`,
      ]),
    );
  }, 60_000);

  it('counts per node, without failing requests, while Redis is unreachable', async () => {
    redis = await startPrivateRedis();
    cluster = await startCluster({ size: 1, env: { ...LIMIT, REDIS_URL: redis.url } });
    const node = cluster.nodes[0];
    await redis.stop();
    await node.process.waitFor(/rate limit store: redis unreachable/, 10_000);
    expect(await loginStatuses([node.url], uniqueEmail('offline'), 4)).toEqual([
      401, 401, 401, 429,
    ]);
  }, 60_000);
});
