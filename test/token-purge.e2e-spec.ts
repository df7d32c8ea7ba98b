import pg from 'pg';
import request from 'supertest';
import { registerUser } from './support/chat-users.js';
import { sleep } from './support/phoenix-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PURGE_INTERVAL_MS = 1000;

describe('expired tokens are purged every TOKEN_PURGE_INTERVAL_MS', () => {
  let t: TestApp;
  let db: pg.Client;

  beforeAll(async () => {
    t = await startTestApp({ TOKEN_PURGE_INTERVAL_MS: String(PURGE_INTERVAL_MS) });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const tokenCount = async (userId: string): Promise<number> =>
    (
      await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM user_tokens WHERE user_id = $1',
        [userId],
      )
    ).rows[0].n;

  /** Polls until `check` holds; fails after `timeoutMs`. */
  async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await sleep(100);
    }
  }

  it('deletes expired rows on its own timer and keeps live ones', async () => {
    const [expired, live] = [await registerUser(t.url), await registerUser(t.url)];
    await request(t.url).post('/auth/password/request').send({ email: expired.email }).expect(204);
    await db.query(
      `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [expired.id],
    );
    // refresh, email confirmation, password reset; the other user: refresh, email confirmation
    expect(await tokenCount(expired.id)).toBe(3);
    expect(await tokenCount(live.id)).toBe(2);

    await eventually(
      async () => (await tokenCount(expired.id)) === 0,
      5 * PURGE_INTERVAL_MS,
      'the expired tokens are purged',
    );
    expect(await tokenCount(live.id)).toBe(2);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/^purged \d+ expired tokens$/) }),
    );
  });
});
