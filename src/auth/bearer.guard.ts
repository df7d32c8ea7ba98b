import type { ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import jwt from 'jsonwebtoken';
import { DomainError, Unauthenticated } from '../common/errors/domain-error.js';
import { BEARER_PROBLEM } from './jwt.strategy.js';

/**
 * `Authorization: Bearer <access token>` on /api routes. Failures are 401
 * `{"errors":{"detail":"Authentication token is <missing|invalid_token|invalid|expired>."}}`.
 */
@Injectable()
export class BearerGuard extends AuthGuard('jwt') {
  override handleRequest<TUser>(
    err: unknown,
    user: TUser,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (err instanceof DomainError) throw err;
    if (user) return user;
    const req = context
      .switchToHttp()
      .getRequest<{ [BEARER_PROBLEM]?: 'missing' | 'invalid_token' }>();
    const problem = req[BEARER_PROBLEM];
    if (problem) throw new Unauthenticated(problem);
    throw new Unauthenticated(info instanceof jwt.TokenExpiredError ? 'expired' : 'invalid');
  }
}
