import type { Registry } from 'prom-client';
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
  sampledCounter({
    registry,
    name: 'nestling_rally_stamps_collected_total',
    help: 'Stamp-rally collected announcements accepted.',
    samples: () => [[{}, counters.stampsCollected]],
  });
}
