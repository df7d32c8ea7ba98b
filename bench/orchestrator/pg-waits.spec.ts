import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { testServer } from '../../test/support/test-database.js';
import { freePort } from './processes.js';
import { type PgConnection, startWaitSampler, waitLabel, WaitTally } from './pg-waits.js';

/** The PostgreSQL server the test run started (jest globalSetup), as a superuser. */
function testConnection(): PgConnection {
  const url = new URL(testServer().adminUrl);
  return {
    host: url.hostname,
    port: Number(url.port) || pg.defaults.port!,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1) || 'postgres',
  };
}

describe('WaitTally', () => {
  it('averages backends over every sample and counts the samples each state appeared in', () => {
    const tally = new WaitTally();
    tally.add([
      { label: 'IO:WalSync', count: 1 },
      { label: 'LWLock:WALWrite', count: 4 },
    ]);
    tally.add([
      { label: 'IO:WalSync', count: 1 },
      { label: 'LWLock:WALWrite', count: 2 },
      { label: 'CPU', count: 1 },
    ]);
    tally.add([]);
    tally.add([{ label: 'IO:WalSync', count: 1 }]);
    tally.fail(new Error('boom'));
    tally.fail(new Error('second'));
    const summary = tally.summary(100, 500);
    expect(summary).toMatchObject({
      samples: 4,
      activeSamples: 3,
      failedSamples: 2,
      error: 'boom',
      windowMs: 500,
    });
    expect(summary.events).toEqual([
      { event: 'LWLock:WALWrite', meanBackends: 1.5, sampleShare: 0.5 },
      { event: 'IO:WalSync', meanBackends: 0.75, sampleShare: 0.75 },
      { event: 'CPU', meanBackends: 0.25, sampleShare: 0.25 },
    ]);
  });

  it('labels a backend with no wait event as running on CPU', () => {
    expect(waitLabel(null, null)).toBe('CPU');
    expect(waitLabel('IO', 'WalSync')).toBe('IO:WalSync');
  });
});

describe("startWaitSampler (the test run's PostgreSQL)", () => {
  it('sees a backend sleeping in pg_sleep on another connection', async () => {
    const LOCAL = testConnection();
    const other = new pg.Client(LOCAL);
    await other.connect();
    try {
      const sampler = startWaitSampler(LOCAL);
      for (let i = 0; i < 3; i++) await other.query('SELECT pg_sleep(0.3)');
      const summary = await sampler.stop();
      expect(summary.error).toBeUndefined();
      expect(summary.failedSamples).toBe(0);
      // ~0.9 s at one sample per 100 ms (the default); generous for a loaded machine.
      expect(summary.samples).toBeGreaterThanOrEqual(5);
      expect(summary.windowMs).toBeGreaterThanOrEqual(800);
      const sleep = summary.events.find((e) => e.event === 'Timeout:PgSleep');
      expect(sleep?.meanBackends).toBeGreaterThan(0);
      expect(sleep?.sampleShare).toBeGreaterThan(0.5);
      expect(summary.activeSamples).toBeGreaterThanOrEqual(sleep!.sampleShare * summary.samples);
      // stop() again: the same summary, no second close.
      await expect(sampler.stop()).resolves.toBe(summary);
    } finally {
      await other.end();
    }
  }, 15_000);

  it('never throws when it cannot connect: nothing sampled, the error kept', async () => {
    const port = await freePort(); // nothing listens there
    const sampler = startWaitSampler({ ...testConnection(), host: '127.0.0.1', port }, 20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const summary = await sampler.stop();
    expect(summary.samples).toBe(0);
    expect(summary.events).toEqual([]);
    expect(summary.error).toMatch(new RegExp(`^connecting to 127\\.0\\.0\\.1:${port}: `));
  });
});
