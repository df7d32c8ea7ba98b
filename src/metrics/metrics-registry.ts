import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { poolStats } from '../database/pool-stats.js';
import { RealtimeStats, type RealtimeSnapshot } from '../realtime/index.js';
import { AppCounters } from './app-counters.js';
import { registerAppMetrics } from './app-metrics.js';
import { httpMetrics } from './http-metrics.js';
import { registerRealtimeMetrics } from './realtime-metrics.js';

/** Event-loop delay sampling interval (ms) of the default metrics. */
const EVENT_LOOP_PRECISION_MS = 100;

/**
 * This application's Prometheus registry (its own, not prom-client's global one, so that
 * several applications in one process do not mix): the fixed `nestling_*` metrics, read at
 * scrape time from the counters kept where things happen, the HTTP request histogram, and
 * prom-client's default process metrics (event-loop lag, heap, GC) with the `nestling_` prefix.
 */
@Injectable()
export class MetricsRegistry {
  private readonly registry = new Registry();
  /** Measures every HTTP request (mounted first in app.factory.ts). */
  readonly httpMiddleware: RequestHandler;
  private current: RealtimeSnapshot | undefined;

  constructor(
    private readonly stats: RealtimeStats,
    counters: AppCounters,
    @InjectDataSource() db: DataSource,
  ) {
    collectDefaultMetrics({
      prefix: 'nestling_',
      register: this.registry,
      // The event-loop delay histogram samples every this many ms, always on: 10 (the default)
      // wakes the loop 100 times a second, measurably in the fan-out's CPU per delivery.
      eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS,
    });
    registerRealtimeMetrics(this.registry, () => (this.current ??= this.stats.snapshot()));
    registerAppMetrics(this.registry, counters, () => poolStats(db));
    this.httpMiddleware = httpMetrics(this.registry);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition; the realtime numbers come from one snapshot. */
  async scrape(): Promise<string> {
    this.current = this.stats.snapshot();
    try {
      return await this.registry.metrics();
    } finally {
      this.current = undefined;
    }
  }
}
