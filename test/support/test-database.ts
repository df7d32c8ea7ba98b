import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by global-setup: a superuser URL of the test server and the migrated template's name. */
export function testServer(): { adminUrl: string; template: string } {
  const adminUrl = process.env.NESTLING_TEST_ADMIN_URL;
  const template = process.env.NESTLING_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('test/support/global-setup.ts did not run');
  return { adminUrl, template };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(
  adminUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a database; from the migrated template unless `template` is null (empty database). */
export async function createTestDatabase(
  template: string | null = testServer().template,
): Promise<string> {
  const { adminUrl } = testServer();
  const name = `nestling_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`);
        return;
      } catch (error) {
        // Another file copying the template at the same instant: try again shortly.
        if (attempt >= 20 || !String(error).includes('being accessed by other users')) throw error;
        await sleep(100 + Math.random() * 200);
      }
    }
  });
  return databaseUrl(adminUrl, name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin(testServer().adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}
