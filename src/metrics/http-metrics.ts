import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** The route label of a request no route handled (unknown path, or refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

const ROUTE_PATTERN = Symbol('nestling:route-pattern');
type Routed = Request & { [ROUTE_PATTERN]?: string };

/**
 * Notes the pattern of the route whose handler Nest is about to run (`RoutePatternGuard`).
 * `req.route` alone cannot tell it afterwards: module middleware are Express routes too
 * (nestjs-pino's `{/*splat}`), so an unknown path leaves one of theirs there.
 */
export function noteRoutePattern(req: Request): void {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') (req as Routed)[ROUTE_PATTERN] = path;
}

/** The route pattern that handled `req` (`/api/json/accounts/users/:id`), never the raw path. */
const routeOf = (req: Request): string => (req as Routed)[ROUTE_PATTERN] ?? UNMATCHED_ROUTE;

/** `nestling_http_request_duration_seconds{method,route,status}` and the middleware feeding it. */
export function httpMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'nestling_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status: time until the response was sent.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.once('finish', () =>
      end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }),
    );
    next();
  };
}
