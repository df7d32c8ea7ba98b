import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimited } from '../common/errors/domain-error.js';
import { CONFIG, type Config } from '../config/config.js';

function emailOf(req: Request): string | undefined {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}

/**
 * Login, register, password request and refresh: AUTH_RATE_LIMIT requests per
 * AUTH_RATE_WINDOW_MS per route, counted per client IP and, where the body names one, per email.
 * Beyond: 429 `{"error":{"message":"Too many requests"}}` with Retry-After (seconds).
 */
@Injectable()
export class AuthThrottlerGuard implements CanActivate {
  private readonly limiter: RateLimiterMemory;

  constructor(@Inject(CONFIG) config: Config) {
    this.limiter = new RateLimiterMemory({
      points: config.auth.rateLimit,
      duration: Math.max(1, Math.round(config.auth.rateWindowMs / 1000)),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const keys = [`${route}:ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`];
    const email = emailOf(req);
    if (email !== undefined) keys.push(`${route}:email:${email}`);
    for (const key of keys) {
      try {
        await this.limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw new RateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
    }
    return true;
  }
}
