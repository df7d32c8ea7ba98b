import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startEmbeddedPostgres,
  type RunningDatabase,
} from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/run-migrations.js';
import { freePort } from './free-port.js';
import { databaseUrl, withAdmin } from './test-database.js';

declare global {
  var __NESTLING_TEST_PG__: RunningDatabase | undefined;
}

/**
 * Once per `npm test`: a PostgreSQL server (DATABASE_URL's, or an embedded throwaway one) and a
 * template database with every migration applied. Each test file copies the template.
 */
export async function setup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-test-pg-'));
    fs.chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      dir: path.join(dir, 'cluster'),
      port: await freePort(),
      database: 'postgres',
      persistent: false,
      log: () => undefined,
    });
    globalThis.__NESTLING_TEST_PG__ = server;
    adminUrl = server.url;
  }
  const template = `nestling_template_${process.pid}`;
  await withAdmin(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${template}`);
  });
  await runMigrations(databaseUrl(adminUrl, template));
  process.env.NESTLING_TEST_ADMIN_URL = adminUrl;
  process.env.NESTLING_TEST_TEMPLATE = template;
}

/** Drops what the run created; stops the embedded server when there is one. */
export async function teardown(): Promise<void> {
  const adminUrl = process.env.NESTLING_TEST_ADMIN_URL;
  if (adminUrl && !globalThis.__NESTLING_TEST_PG__) {
    await withAdmin(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
        [`nestling_test_${process.pid}_%`, process.env.NESTLING_TEST_TEMPLATE],
      );
      for (const { datname } of rows) {
        await client.query(
          `DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`,
        );
      }
    });
  }
  await globalThis.__NESTLING_TEST_PG__?.stop();
}
