import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
import { ClusterBus } from '../realtime/index.js';
import { Draining } from './draining.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: ClusterBus,
    private readonly draining: Draining,
  ) {}

  /** Liveness: the process is up and serving HTTP. */
  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: 'The process is alive.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: the database answers, the node reaches the cluster bus (`bus`: cluster, node,
   * backend `local` or `redis`, connected) and it is not shutting down. 503 naming the failing
   * check otherwise.
   */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `error` names it.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      () => this.busCheck(),
      ...(this.draining.active ? [() => this.shutdownCheck()] : []),
    ]);
  }

  private busCheck(): HealthIndicatorResult<'bus'> {
    const status = this.bus.status();
    const check = this.indicators.check('bus');
    return status.connected ? check.up({ ...status }) : check.down({ ...status });
  }

  private shutdownCheck(): HealthIndicatorResult<'shutdown'> {
    return this.indicators.check('shutdown').down('the node is shutting down');
  }
}
