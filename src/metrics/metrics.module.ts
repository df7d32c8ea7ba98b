import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CONFIG, type Config } from '../config/config.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AppCounters } from './app-counters.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics-registry.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { RoutePatternGuard } from './route-pattern.guard.js';

/**
 * Operators' metrics: GET /metrics (Prometheus) when METRICS_TOKEN is set, or outside
 * production; in production without it there is no such route (404) and a warning at boot.
 * Global, so that feature modules inject AppCounters without importing it; it imports no
 * feature module.
 */
@Module({})
export class MetricsModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Metrics');

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  static forRoot(config: Config): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      imports: [RealtimeModule],
      controllers: config.metrics.enabled ? [MetricsController] : [],
      providers: [
        AppCounters,
        MetricsRegistry,
        MetricsTokenGuard,
        { provide: APP_GUARD, useClass: RoutePatternGuard },
      ],
      exports: [AppCounters, MetricsRegistry],
    };
  }

  onApplicationBootstrap(): void {
    if (!this.config.metrics.enabled) {
      this.logger.warn(
        'METRICS_TOKEN is not set: GET /metrics is off (it is required in production)',
      );
    }
  }
}
