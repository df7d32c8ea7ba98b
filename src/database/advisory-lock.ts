import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * The 64-bit key of a PostgreSQL advisory lock named `name`: the first 8 bytes of the name's
 * SHA-256, read as a signed big-endian integer (PostgreSQL's bigint).
 */
export function advisoryLockKey(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/**
 * Runs `fn` while holding the session-level advisory lock `key` on a connection of its own, so
 * that processes sharing a database run it one at a time. `onWait` is called when another
 * session holds the lock (then this one waits for it). The lock is released when `fn` settles;
 * should this process die first, PostgreSQL releases it with the connection.
 */
export async function withAdvisoryLock<T>(
  url: string,
  key: bigint,
  fn: () => Promise<T>,
  onWait: () => void = () => undefined,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'nestling-lock' });
  // Idle while `fn` migrates: a dropped connection (which also releases the lock) must not
  // become an unhandled 'error' event; the unlock below then fails and says so.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const param = [key.toString()];
    const tried = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      param,
    );
    if (!tried.rows[0]?.locked) {
      onWait();
      await client.query('SELECT pg_advisory_lock($1::bigint)', param);
    }
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', param);
    }
  } finally {
    await client.end();
  }
}
