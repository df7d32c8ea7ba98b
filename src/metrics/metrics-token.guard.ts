import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { presentedBearer } from '../common/http/presented-bearer.js';
import { tokenMatches } from '../common/security/token-matches.js';
import { CONFIG, type Config } from '../config/config.js';

/** With METRICS_TOKEN set, `Authorization: Bearer <METRICS_TOKEN>` or 401; open otherwise. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.metrics.token;
    if (expected === undefined) return true; // only outside production (see MetricsModule)
    const http = context.switchToHttp();
    const presented = presentedBearer(http.getRequest<Request>());
    if (presented !== undefined && tokenMatches(presented, expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException();
  }
}
