import { All, Controller, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { JsonApiExceptionFilter } from '../jsonapi/json-api-exception.filter.js';
import { routeNotFound } from '../jsonapi/json-api-problems.js';
import { ApiBearerGuard } from './rally-bearer.guard.js';

/**
 * Everything else under /api/json (`/api/json/accounts/nope`, DELETE on a user…): after the
 * bearer check, a 404 JSON:API error document. Registered after the other rally controllers.
 */
@ApiExcludeController()
@Controller('api/json')
@UseFilters(JsonApiExceptionFilter)
export class JsonApiFallbackController {
  @All('{*path}')
  @UseGuards(ApiBearerGuard)
  noRoute(@Req() req: Request): never {
    throw routeNotFound(req.method, req.path);
  }
}
