/**
 * Issue 12, item 3: ending a chat user's sessions through one node closes their sockets on every
 * node (close code 1001). Three built server processes on one database and the machine's Redis.
 */
import type { Socket } from 'phoenix';
import request from 'supertest';
import { PASSWORD, registerUser, type RegisteredUser } from '../support/chat-users.js';
import { type Cluster, describeCluster, startCluster } from '../support/cluster.js';
import { connect, disconnectAll, join, leave, nextCloseCode } from '../support/phoenix-client.js';

const NEW_PASSWORD = 'Another-horse-8!';

await describeCluster('cluster: revocation closes sockets on every node', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterEach(() => disconnectAll());
  afterAll(() => cluster?.stop());

  const node = (i: number) => cluster.nodes[i - 1];

  /** A socket of `user` on node `i` that does not reconnect within a test. */
  const online = (i: number, user: RegisteredUser): Promise<Socket> =>
    connect(node(i).socketUrl, {
      params: { token: user.authToken },
      reconnectAfterMs: () => 60_000,
    });

  /**
   * `user` online on nodes 2 and 3, a bystander on node 2; `action` (through node 1) closes both
   * of the user's sockets with 1001, and the bystander's socket still serves.
   */
  async function expectClosedEverywhereBy(
    user: RegisteredUser,
    action: () => Promise<unknown>,
  ): Promise<void> {
    const bystander = await registerUser(node(1).url);
    const [on2, on3, theirs] = await Promise.all([
      online(2, user),
      online(3, user),
      online(2, bystander),
    ]);
    const closed = Promise.all([nextCloseCode(on2), nextCloseCode(on3)]);
    await action();
    expect(await closed).toEqual([1001, 1001]);
    const channel = theirs.channel(`user:${bystander.id}`, { token: bystander.authToken });
    await expect(join(channel)).resolves.toEqual({});
    await leave(channel);
  }

  it('on POST /api/signout_all through another node', async () => {
    const ann = await registerUser(node(1).url);
    await expectClosedEverywhereBy(ann, () =>
      request(node(1).url).post('/api/signout_all').set('Authorization', ann.bearer).expect(204),
    );
  });

  it('on PATCH /api/password through another node', async () => {
    const bob = await registerUser(node(1).url);
    await expectClosedEverywhereBy(bob, () =>
      request(node(1).url)
        .patch('/api/password')
        .set('Authorization', bob.bearer)
        .send({
          password: PASSWORD,
          new_password: NEW_PASSWORD,
          new_password_confirmation: NEW_PASSWORD,
        })
        .expect(204),
    );
  });
});
