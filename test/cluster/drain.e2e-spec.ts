/**
 * Issue 12, item 8: on SIGTERM a node stops taking new sockets and readiness (503), closes its
 * sockets with 1012 in batches spread over SHUTDOWN_DRAIN_MS (one log line per batch), then
 * exits with 0. A built server process with 30 official phoenix clients.
 */
import { registerUser } from '../support/chat-users.js';
import { type Cluster, describeCluster, startCluster } from '../support/cluster.js';
import { connect, disconnectAll, nextCloseCode } from '../support/phoenix-client.js';
import { upgradeStatus } from '../support/upgrade-status.js';

const SOCKETS = 30;
/** 2000 ms at 100 ms apart at least: 20 batches for 30 sockets (drain-schedule.ts). */
const DRAIN_MS = 2000;
const BATCHES = 20;

await describeCluster('graceful drain on SIGTERM', () => {
  let cluster: Cluster | undefined;

  afterAll(async () => {
    await disconnectAll();
    await cluster?.stop();
  });

  it('refuses new sockets, closes the open ones with 1012 in batches, exits 0', async () => {
    cluster = await startCluster({
      size: 1,
      env: { SHUTDOWN_DRAIN_MS: String(DRAIN_MS), SHUTDOWN_TIMEOUT_MS: '15000' },
    });
    const node = cluster.nodes[0];
    const user = await registerUser(node.url);
    const sockets = await Promise.all(
      Array.from({ length: SOCKETS }, () =>
        connect(node.socketUrl, {
          params: { token: user.authToken },
          reconnectAfterMs: () => 60_000,
        }),
      ),
    );
    const closes = Promise.all(sockets.map((socket) => nextCloseCode(socket, 20_000)));

    process.kill(node.pid, 'SIGTERM');
    await node.process.waitFor(/"msg":"drain batch 1\//, 10_000);
    // While the other batches are still to come: not ready, and no new socket.
    const ready = await fetch(`${node.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { shutdown: { status: 'down' } } });
    expect(
      await upgradeStatus(`${node.socketUrl}/websocket?vsn=2.0.0&token=${user.authToken}`),
    ).toBe(503);
    // A new LongPoll session: an empty HTTP 503, which phoenix.js retries (a JSON body would not).
    const longpoll = await fetch(
      `${node.url}/socket/longpoll?vsn=2.0.0&token=${encodeURIComponent(user.authToken)}`,
    );
    expect({ status: longpoll.status, body: await longpoll.text() }).toEqual({
      status: 503,
      body: '',
    });

    expect(await node.process.exited()).toBe(0);
    expect(await closes).toEqual(sockets.map(() => 1012));
    const lines = node
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; node?: string });
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain(
      `draining ${SOCKETS} sockets in ${BATCHES} batches over ${DRAIN_MS} ms`,
    );
    const batches = messages
      .map((msg) => /^drain batch (\d+)\/(\d+): closed (\d+) sockets$/.exec(msg))
      .filter((match) => match !== null)
      .map((match) => ({
        batch: Number(match[1]),
        of: Number(match[2]),
        closed: Number(match[3]),
      }));
    expect(batches.map((b) => b.batch)).toEqual(Array.from({ length: BATCHES }, (_, i) => i + 1));
    expect(batches.every((b) => b.of === BATCHES && b.closed >= 1)).toBe(true);
    expect(batches.reduce((sum, b) => sum + b.closed, 0)).toBe(SOCKETS);
    expect(messages).toContain('shutdown complete');
    // NODE_NAME is on every line.
    expect(new Set(lines.map((line) => line.node))).toEqual(new Set([node.name]));
  }, 60_000);
});
