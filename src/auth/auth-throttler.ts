import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimited } from '../common/errors/domain-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { RateLimitStore } from './rate-limit-store.js';

/**
 * The account a request is about: the signed-in user (put on the request by the BearerGuard,
 * which runs first) or else the email the body names.
 */
function accountOf(req: Request): string | undefined {
  const user = (req as { user?: { id?: unknown } }).user;
  if (typeof user?.id === 'string') return `user:${user.id}`;
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() !== ''
    ? `email:${email.trim().toLowerCase()}`
    : undefined;
}

/**
 * Login, register, password request, refresh, and the current-password checks of password and
 * email change: AUTH_RATE_LIMIT requests per AUTH_RATE_WINDOW_MS per route, counted per client
 * IP and per account (the signed-in user, else the body's email). Beyond: 429
 * `{"error":{"message":"Too many requests"}}` with Retry-After (seconds), whatever the request.
 * With REDIS_URL the counts are the cluster's, whichever node a request lands on
 * (RateLimitStore).
 */
@Injectable()
export class AuthThrottlerGuard implements CanActivate {
  private readonly limiter: RateLimiterAbstract;

  constructor(@Inject(CONFIG) config: Config, store: RateLimitStore) {
    this.limiter = store.limiter({
      name: 'auth',
      points: config.auth.rateLimit,
      durationSeconds: Math.max(1, Math.round(config.auth.rateWindowMs / 1000)),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const keys = [`${route}:ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`];
    const account = accountOf(req);
    if (account !== undefined) keys.push(`${route}:${account}`);
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
