import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '../../test/support/test-database.js';
import { planPhases, runPhase } from './phases.js';
import { tasksetAvailable } from './processes.js';
import { findExecutable } from './redis-server.js';
import { gone } from './testing/gone.js';

// The phase starts a redis-server of its own: without one, say so and skip (CI must have it).
const redis = findExecutable('redis-server') !== undefined || process.env.CI === 'true';
if (!redis) console.warn('cross-node bench smoke skipped: no redis-server on PATH');

/**
 * The cross-node fan-out phase end to end, small: Redis, node A and node B (the built server,
 * `npx nest build` first) on the test run's PostgreSQL, the real generator with its publisher on
 * node A and 20 subscribers on node B.
 */
(redis ? describe : describe.skip)('runPhase: cross-node fan-out (built server)', () => {
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-crossnode-spec-'));
  });
  afterAll(async () => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('delivers on node B every shout pushed on node A, measuring node B, node A and Redis', async () => {
    const [planned] = planPhases({
      quick: true,
      targets: ['nestling'],
      workloads: ['crossnode'],
      profile: false,
    });
    const spec = { ...planned, sockets: 20, rate: 20, durationMs: 1000 };
    const outcome = await runPhase(spec, {
      pin: tasksetAvailable(),
      dataDir: dataDir!,
      profileDir: dataDir!,
      log: () => undefined,
      databaseUrl,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(outcome.ready).toMatchObject({ ready: true, sockets: 20, publishers: 1 });
    expect(outcome.result).toMatchObject({
      sent: 20,
      expected: 400,
      delivered: 400,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      rejected: 0,
      disconnects: 0,
    });
    const server = outcome.server!;
    expect(server.cpuUs).toBeGreaterThanOrEqual(0);
    expect(server.windowMs).toBeGreaterThanOrEqual(900);
    expect(server.peakRssKb).toBeGreaterThan(10_000);
    const companions = outcome.companions!;
    expect(companions.map((c) => c.role)).toEqual(['publisher node', 'redis']);
    for (const companion of companions) expect(companion.cpuUs).toBeGreaterThanOrEqual(0);
    for (const pid of [server.pid, ...companions.map((c) => c.pid)]) expect(gone(pid)).toBe(true);
  }, 120_000);
});
