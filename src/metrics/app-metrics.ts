import { Histogram, type Registry } from 'prom-client';
import type { PoolStats } from '../database/pool-stats.js';
import type { AppCounters } from './app-counters.js';
import { sampledCounter, sampledGauge } from './sampled-metrics.js';

/** The products' counts and the database pool, read at scrape time. */
export function registerAppMetrics(
  registry: Registry,
  counters: AppCounters,
  pool: () => PoolStats,
): void {
  sampledGauge({
    registry,
    name: 'nestling_db_pool_connections',
    help: "The PostgreSQL pool's connections by state (idle, busy, waiting: requests queued for one).",
    labelNames: ['state'],
    samples: () => Object.entries(pool()).map(([state, count]) => [{ state }, count]),
  });
  sampledCounter({
    registry,
    name: 'nestling_chat_messages_total',
    help: 'Chat messages stored.',
    samples: () => [[{}, counters.chatMessages]],
  });
  const commits = new Histogram({
    name: 'nestling_chat_send_batch_seconds',
    help:
      'Chat send batches (every send of a batch is stored by one statement and one commit): ' +
      'time from the statement to its commit, the WAL flush included.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  counters.observeChatCommits((seconds) => commits.observe(seconds));
  sampledCounter({
    registry,
    name: 'nestling_rally_stamps_collected_total',
    help: 'Stamp-rally collected announcements accepted.',
    samples: () => [[{}, counters.stampsCollected]],
  });
}
