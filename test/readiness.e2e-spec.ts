import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startEmbeddedPostgres, type RunningDatabase } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { freePort } from './support/free-port.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// This file owns its database server, so that it can stop it under the running application.
describe('readiness when the database stops', () => {
  let db: RunningDatabase;
  let t: TestApp;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-ready-'));
    fs.chmodSync(dir, 0o755);
    db = await startEmbeddedPostgres({
      dir: path.join(dir, 'cluster'),
      port: await freePort(),
      database: 'nestling',
      persistent: false,
      log: () => undefined,
    });
    await runMigrations(db.url);
    t = await startTestApp({}, { databaseUrl: db.url });
  });

  afterAll(async () => {
    await t.close();
    await db.stop();
  });

  it('answers 200, then 503 naming the database once it is stopped; liveness stays 200', async () => {
    await request(t.url).get('/health/ready').expect(200);
    await db.stop();
    const res = await request(t.url).get('/health/ready').expect(503);
    expect(res.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
    await request(t.url).get('/health').expect(200);
  });
});
