import { applyDecorators, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminBearerGuard, ApiBearerGuard } from './rally-bearer.guard.js';
import { JsonApiMediaGuard } from './json-api-media.guard.js';
import { jsonApiError } from './rally-openapi.js';

/**
 * A /api/json route: the bearer check for `access` (the HoloQuest API token, or the admin
 * token), then JSON:API content negotiation; documented with their error responses.
 */
export function RallyRoute(access: 'api' | 'admin') {
  return applyDecorators(
    UseGuards(access === 'admin' ? AdminBearerGuard : ApiBearerGuard, JsonApiMediaGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse(
      jsonApiError('`unauthorized`: missing, malformed or wrong `Authorization: Bearer <token>`'),
    ),
    ...(access === 'admin'
      ? [
          ApiForbiddenResponse(
            jsonApiError('`forbidden`: the API token instead of the admin token'),
          ),
        ]
      : []),
    ApiResponse({
      status: 406,
      ...jsonApiError('`not_acceptable`: Accept allows JSON:API only with other parameters'),
    }),
    ApiResponse({
      status: 415,
      ...jsonApiError('`unsupported_media_type`: Content-Type other than JSON:API or JSON'),
    }),
  );
}
