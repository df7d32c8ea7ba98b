import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { notFound } from '../errors/domain-error.js';
import { isDirectLocalRequest } from './local-client.js';

/**
 * Lets only requests made on this machine through (see isDirectLocalRequest); anyone else gets
 * 404 `{"errors":{"detail":"Not Found"}}`, as if the route did not exist.
 */
@Injectable()
export class LocalClientsOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (isDirectLocalRequest(context.switchToHttp().getRequest<Request>())) return true;
    throw notFound();
  }
}
