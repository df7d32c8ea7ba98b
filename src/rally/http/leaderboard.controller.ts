import { All, Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { JsonApiExceptionFilter } from '../jsonapi/json-api-exception.filter.js';
import { methodNotAllowed, routeNotFound } from '../jsonapi/json-api-problems.js';
import { queryParameters } from '../jsonapi/request-url.js';
import { PlayersService } from '../players.service.js';
import {
  LEADERBOARD_LIMIT_DEFAULT,
  LEADERBOARD_LIMIT_MAX,
  leaderboardLimit,
} from './leaderboard-limit.js';
import { ApiBearerGuard } from './rally-bearer.guard.js';
import { jsonApiError, LEADERBOARD } from './rally-openapi.js';
import { RallyRoute } from './rally-route.decorator.js';

export interface LeaderboardEntry {
  nickname: string;
  stamps_collected: number;
}

/**
 * The public ranking (spec decision 9): plain JSON, no ids, named players only. Only GET; writes
 * answer 405.
 */
@ApiTags('stamp-rally')
@Controller('api/json/leaderboard')
@UseFilters(JsonApiExceptionFilter)
export class LeaderboardController {
  constructor(private readonly players: PlayersService) {}

  @Get()
  @RallyRoute('api')
  @ApiOperation({
    summary: 'Named players by stamps (most first), then nickname; players without one left out',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: LEADERBOARD_LIMIT_MAX,
      default: LEADERBOARD_LIMIT_DEFAULT,
    },
  })
  @ApiOkResponse({ description: '`application/json`', schema: LEADERBOARD })
  @ApiBadRequestResponse(jsonApiError('`InvalidQuery` with `source.parameter: "limit"`'))
  async list(@Req() req: Request): Promise<{ data: LeaderboardEntry[] }> {
    const players = await this.players.leaderboard(leaderboardLimit(queryParameters(req)));
    return {
      data: players.map((p) => ({ nickname: p.nickname, stamps_collected: p.stampsCollected })),
    };
  }

  /** POST, PUT, PATCH, DELETE… on the collection. */
  @All()
  @UseGuards(ApiBearerGuard)
  @ApiExcludeEndpoint()
  writeToCollection(@Req() req: Request, @Res() res: Response): never {
    res.setHeader('Allow', 'GET, HEAD');
    throw methodNotAllowed(req.method);
  }

  /** There are no entries to address: GET → 404, any other method → 405. */
  @All(':id')
  @UseGuards(ApiBearerGuard)
  @ApiExcludeEndpoint()
  entry(@Req() req: Request, @Res() res: Response): never {
    if (req.method === 'GET' || req.method === 'HEAD') throw routeNotFound(req.method, req.path);
    res.setHeader('Allow', '');
    throw methodNotAllowed(req.method);
  }
}
