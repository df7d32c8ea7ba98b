import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { noteRoutePattern } from './http-metrics.js';

/**
 * A global guard that refuses nothing: it runs before every other guard, when Express has
 * matched the controller's route, and notes that route's pattern for the request histogram
 * (so that requests other guards refuse are labelled by their route too).
 */
@Injectable()
export class RoutePatternGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() === 'http')
      noteRoutePattern(context.switchToHttp().getRequest<Request>());
    return true;
  }
}
