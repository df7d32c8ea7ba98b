import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './support/free-port.js';
import { startServerProcess } from './support/server-process.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

// The built server as `npm run start:prod` runs it (`npm start` runs the same file via nest start).

function postgresProcessesFor(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dir) && line.includes('postgres'));
}

async function get(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('the server process', () => {
  it('exits with code 1 and one line naming an invalid variable', async () => {
    const server = startServerProcess({
      PORT: 'not-a-port',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'nl-')),
    });
    expect(await server.exited()).toBe(1);
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT .*"not-a-port"/);
  });

  it('refuses to start in production without DATABASE_URL or JWT_SECRET', async () => {
    const noDb = startServerProcess({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(await noDb.exited()).toBe(1);
    expect(noDb.stderr().trim()).toBe(
      'Invalid configuration: DATABASE_URL is required when NODE_ENV=production',
    );
    const noSecret = startServerProcess({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@127.0.0.1:1/x',
    });
    expect(await noSecret.exited()).toBe(1);
    expect(noSecret.stderr().trim()).toBe(
      'Invalid configuration: JWT_SECRET is required when NODE_ENV=production',
    );
  });

  it('starts an embedded PostgreSQL, reuses its data on the next start, and stops cleanly', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-start-'));
    fs.chmodSync(dataDir, 0o755);
    const env = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_FORMAT: 'json',
    };
    const base = `http://127.0.0.1:${env.PORT}`;

    const first = startServerProcess(env);
    expect(await first.waitFor(/Nestling listening on/)).toContain(`http://localhost:${env.PORT}`);
    expect(first.stdout()).toContain('initialising embedded PostgreSQL');
    expect(first.stdout()).toContain('applied migrations');
    expect(await get(`${base}/health`)).toBe(200);
    expect(await get(`${base}/health/ready`)).toBe(200);
    const password = fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
    const dbUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/nestling`;
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    await client.query('CREATE TABLE start_marker (id int)');
    await client.end();
    const secret = fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8');

    first.child.kill('SIGTERM');
    expect(await first.exited()).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = startServerProcess(env);
    await second.waitFor(/Nestling listening on/);
    expect(second.stdout()).not.toContain('initialising embedded PostgreSQL');
    expect(second.stdout()).toContain('database schema is up to date');
    const again = new pg.Client({ connectionString: dbUrl });
    await again.connect();
    expect((await again.query(`SELECT to_regclass('start_marker') AS t`)).rows[0].t).toBe(
      'start_marker',
    );
    await again.end();
    expect(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(secret);

    second.child.kill('SIGINT');
    expect(await second.exited()).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
    expect(second.stdout()).toContain('shutdown complete');
  }, 60_000);

  it('uses DATABASE_URL when set and embeds nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-external-'));
    const databaseUrl = await createTestDatabase();
    const port = String(await freePort());
    const server = startServerProcess({
      DATA_DIR: dataDir,
      PORT: port,
      DATABASE_URL: databaseUrl,
      LOG_FORMAT: 'json',
    });
    try {
      await server.waitFor(/Nestling listening on/);
      expect(await get(`http://127.0.0.1:${port}/health/ready`)).toBe(200);
      expect(server.stdout()).not.toContain('embedded PostgreSQL');
      expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited()).toBe(0);
      await dropTestDatabase(databaseUrl);
    }
  }, 30_000);

  it('exits with code 1 when a shutdown cannot finish within SHUTDOWN_TIMEOUT_MS', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-shutdown-'));
    const databaseUrl = await createTestDatabase();
    const port = await freePort();
    const server = startServerProcess({
      DATA_DIR: dataDir,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: '500',
    });
    // A client in the middle of a request: its headers are in (the server answered
    // "100 Continue"), its body never comes. Closing the HTTP server waits for that request.
    const client = new net.Socket();
    try {
      await server.waitFor(/Nestling listening on/);
      await new Promise<void>((resolve, reject) => {
        client.once('error', reject);
        client.connect(port, '127.0.0.1', resolve);
      });
      const continued = new Promise<void>((resolve) => {
        let seen = '';
        client.on('data', (chunk: Buffer) => {
          seen += chunk.toString('latin1');
          if (seen.startsWith('HTTP/1.1 100')) resolve();
        });
      });
      client.write(
        'POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
          'Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n{"email":',
      );
      await continued;

      server.child.kill('SIGTERM');
      expect(await server.exited()).toBe(1);
      const lines = server
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg?: string });
      const messages = lines.map((l) => l.msg);
      expect(messages).toContain('SIGTERM received: shutting down');
      expect(messages).toContain('shutdown timed out');
      expect(messages).not.toContain('shutdown complete');
    } finally {
      client.destroy();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await dropTestDatabase(databaseUrl);
    }
  }, 30_000);
});
