import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CONFIG, type Config } from '../../config/config.js';

const ALLOWED_METHODS = 'GET, POST, PATCH, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';
/** One day: browsers cap it lower anyway (Chrome 2 h, Firefox 24 h). */
const MAX_AGE_SECONDS = '86400';

/**
 * CORS headers for a /api/json response: `Access-Control-Allow-Origin` is `*`, or the request's
 * Origin when CORS_ORIGINS lists it (with `Vary: Origin`); an unlisted origin gets none.
 */
export function applyCorsHeaders(req: Request, res: Response, origins: '*' | string[]): void {
  if (origins === '*') {
    res.setHeader('Access-Control-Allow-Origin', '*');
  } else {
    res.append('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin !== undefined && origins.includes(origin))
      res.setHeader('Access-Control-Allow-Origin', origin);
  }
  res.setHeader('Access-Control-Expose-Headers', 'Location');
}

/** True for every request under /api/json (the stamp-rally HTTP surface). */
export function isRallyPath(path: string): boolean {
  return path === '/api/json' || path.startsWith('/api/json/');
}

/**
 * CORS for /api/json, before routing and therefore before the bearer check: every response
 * carries the CORS headers (401s included), and an OPTIONS request (a preflight) is answered
 * 204 with the allowed methods and headers, without authentication.
 */
@Injectable()
export class RallyCorsMiddleware implements NestMiddleware {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  use(req: Request, res: Response, next: NextFunction): void {
    applyCorsHeaders(req, res, this.config.rally.corsOrigins);
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', MAX_AGE_SECONDS);
    res.status(204).end();
  }
}
