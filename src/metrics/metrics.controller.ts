import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsRegistry } from './metrics-registry.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/** GET /metrics: the Prometheus text format (not in the OpenAPI document, no rate limit). */
@ApiExcludeController()
@Controller('metrics')
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const body = await this.metrics.scrape();
    res.status(200).set({ 'content-type': this.metrics.contentType, 'cache-control': 'no-store' });
    res.send(body);
  }
}
