import {
  All,
  Body,
  Controller,
  HttpCode,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { JsonApiExceptionFilter } from '../jsonapi/json-api-exception.filter.js';
import { methodNotAllowed } from '../jsonapi/json-api-problems.js';
import { NotificationsService } from '../notifications.service.js';
import { notificationRequest } from './notification-request.js';
import { AdminBearerGuard } from './rally-bearer.guard.js';
import { jsonApiError, NOTIFICATION_REQUEST, NOTIFICATION_RESULT } from './rally-openapi.js';
import { RallyRoute } from './rally-route.decorator.js';

/** Targeted notifications for operators (spec decision 13): `msg` to one player's sockets. */
@ApiTags('stamp-rally')
@Controller('api/json/notifications')
@UseFilters(JsonApiExceptionFilter)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @HttpCode(202)
  @RallyRoute('admin')
  @ApiOperation({ summary: 'Pushes `msg {user_id, message}` to every socket of the player' })
  @ApiConsumes('application/json', 'application/vnd.api+json')
  @ApiBody({ schema: NOTIFICATION_REQUEST })
  @ApiAcceptedResponse({
    description: '`application/json`: sockets reached',
    schema: NOTIFICATION_RESULT,
  })
  @ApiBadRequestResponse(
    jsonApiError('`InvalidBody` with `source.pointer` (`/user_id`, `/message`)'),
  )
  notify(@Body() body: unknown): { delivered: number } {
    const { userId, message } = notificationRequest(body);
    const delivered: number = this.notifications.notifyPlayer(userId, message);
    return { delivered };
  }

  @All()
  @UseGuards(AdminBearerGuard)
  @ApiExcludeEndpoint()
  otherMethods(@Req() req: Request, @Res() res: Response): never {
    res.setHeader('Allow', 'POST');
    throw methodNotAllowed(req.method);
  }
}
