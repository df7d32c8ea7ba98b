import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '../../test/support/test-database.js';
import { freePort, ManagedProcess, nestlingEnv, sleep } from '../orchestrator/processes.js';
import type { Result } from './result.js';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The built Nestling (`node dist/src/main.js`) on a free port, as the benchmark runs it
 * (nestlingEnv), but on `databaseUrl` instead of an embedded PostgreSQL: it runs the migrations
 * itself. Resolves once `GET /health` answers 200.
 */
async function startNestlingOn(
  databaseUrl: string,
  dataDir: string,
): Promise<{ proc: ManagedProcess; url: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...nestlingEnv(dataDir, port, port), DATABASE_URL: databaseUrl };
  delete env.EMBEDDED_PG_PORT; // no embedded PostgreSQL with DATABASE_URL
  const proc = new ManagedProcess({
    name: 'nestling',
    nodeArgs: ['dist/src/main.js'],
    env,
    cwd: root,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  try {
    for (;;) {
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
        await response.body?.cancel();
        if (response.status === 200) return { proc, url };
      } catch {
        // Not listening yet.
      }
      if (proc.hasExited) throw new Error(`nestling exited during start: ${proc.describeOutput()}`);
      if (Date.now() > deadline) throw new Error(`nestling not ready: ${proc.describeOutput()}`);
      await sleep(100);
    }
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
}

describe('generator: chat workload against the built Nestling', () => {
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  let nestling: { proc: ManagedProcess; url: string } | undefined;
  let generator: ManagedProcess | undefined;

  beforeAll(async () => {
    // An empty database on the test run's PostgreSQL (jest globalSetup): the server migrates it.
    databaseUrl = await createTestDatabase(null);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-chat-spec-'));
    nestling = await startNestlingOn(databaseUrl, dataDir);
  }, 30_000);

  afterAll(async () => {
    // Whatever failed: nothing left running, no database, no directory.
    try {
      await generator?.stop(2000);
      await nestling?.proc.stop(5000); // SIGTERM, then SIGKILL to its process group
    } finally {
      try {
        if (databaseUrl) await dropTestDatabase(databaseUrl);
      } finally {
        if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }, 20_000);

  it('sets up, sends, and counts every delivery once and in order', async () => {
    const url = nestling!.url;
    generator = new ManagedProcess({
      name: 'generator',
      nodeArgs: [
        '--import', 'tsx', 'bench/generator/main.ts',
        '--target', 'nestling', '--workload', 'chat', '--url', url,
        '--sockets', '10', '--rate', '20', '--duration-ms', '1000',
        '--batch-size', '4', '--warmup-ms', '300',
      ], // prettier-ignore
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
      cwd: root,
    });
    const ready = await generator.waitForJson<Record<string, unknown>>(
      (v) => v.ready === true || 'error' in v,
      15_000,
      'ready line',
    );
    expect(ready).toMatchObject({ ready: true, target: 'nestling', workload: 'chat', sockets: 10 });
    const line = await generator.waitForJson<{ result?: Result; error?: unknown }>(
      (v) => (v.result !== null && typeof v.result === 'object') || 'error' in v,
      15_000,
      'result line',
    );
    expect(line.error).toBeUndefined();
    const result = line.result!;
    // Two conversations of five: each message is due to its five members, sender included.
    expect(result).toMatchObject({
      target: 'nestling',
      workload: 'chat',
      sockets: 10,
      sent: 20,
      expected: 100,
      delivered: 100,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      rejected: 0,
      unanswered: 0,
      disconnects: 0,
    });
    expect(typeof result.latencyMs.p50).toBe('number');
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p99!);
    expect((await generator.exited).code).toBe(0);
  }, 30_000);
});
