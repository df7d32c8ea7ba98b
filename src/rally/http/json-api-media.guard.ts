import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { notAcceptable, unsupportedMediaType } from '../jsonapi/json-api-problems.js';
import { acceptSatisfiable, contentTypeSupported } from '../jsonapi/media-types.js';

/**
 * JSON:API content negotiation (spec decision 3), after the bearer check: an unsupported
 * Content-Type → 415, an Accept that only allows a parameterised JSON:API media type → 406.
 */
@Injectable()
export class JsonApiMediaGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!contentTypeSupported(req.headers['content-type'])) throw unsupportedMediaType();
    if (!acceptSatisfiable(req.headers.accept)) throw notAcceptable();
    return true;
  }
}
