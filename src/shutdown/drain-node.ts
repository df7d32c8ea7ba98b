import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { Draining } from '../health/draining.js';
import { Presence, RealtimeEndpoint } from '../realtime/index.js';
import { batchSize, drainSchedule } from './drain-schedule.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The first step of a graceful shutdown, before the application closes:
 * 1. the node leaves the cluster at once (its presences leave on every other node now);
 * 2. it is no longer ready and refuses new sockets with 503 (Draining);
 * 3. it closes its sockets with 1012 in batches spread over `drainMs` (SHUTDOWN_DRAIN_MS), so
 *    that their clients reconnect to the other nodes a batch at a time, not all at once.
 * Without a cluster the same happens (leaving is then a no-op). Logs one line per batch.
 */
export async function drainNode(
  app: INestApplication,
  drainMs: number,
  log: Logger,
): Promise<void> {
  app.get(Presence).leaveCluster();
  app.get(Draining).begin();
  const endpoint = app.get(RealtimeEndpoint);
  const { batches, intervalMs } = drainSchedule(endpoint.connectionCount, drainMs);
  log.info(`draining ${endpoint.connectionCount} sockets in ${batches} batches over ${drainMs} ms`);
  for (let batch = 1; batch <= batches; batch++) {
    if (batch > 1) await sleep(intervalMs);
    const open = endpoint.connectionCount;
    if (open === 0) break;
    const closed = open - endpoint.drain(batchSize(open, batches - batch + 1));
    log.info(`drain batch ${batch}/${batches}: closed ${closed} sockets`);
  }
}
