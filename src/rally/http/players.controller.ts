import { Body, Controller, Get, Param, Patch, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { JsonApiExceptionFilter } from '../jsonapi/json-api-exception.filter.js';
import { sendJsonApi } from '../jsonapi/json-api-response.js';
import { queryParameters, requestOrigin, requestUrl } from '../jsonapi/request-url.js';
import { userChanges } from '../jsonapi/user-body.js';
import { indexLinks, parseUserFields, parseUserIndexQuery } from '../jsonapi/user-query.js';
import { userDocument, userIndexDocument, userResource } from '../jsonapi/user-resource.js';
import { PlayersService } from '../players.service.js';
import {
  jsonApiContent,
  jsonApiError,
  USER_DOCUMENT,
  USER_INDEX_DOCUMENT,
  userWriteDocument,
} from './rally-openapi.js';
import { RallyRoute } from './rally-route.decorator.js';

const JSON_TYPES = ['application/vnd.api+json', 'application/json'];
const FIELDS_QUERY = {
  name: 'fields[user]',
  required: false,
  type: String,
  description: 'Sparse fieldset: a comma list of nickname, stamps_collected',
};

/** The HoloQuest player resource, JSON:API type `user` (spec §3.1 and decisions 4–8). */
@ApiTags('stamp-rally')
@Controller('api/json/accounts/users')
@UseFilters(JsonApiExceptionFilter)
export class PlayersController {
  constructor(private readonly players: PlayersService) {}

  @Get()
  @RallyRoute('admin')
  @ApiOperation({ summary: 'Every player (admin token): filter, sort, sparse fields, pages' })
  @ApiQuery({ name: 'filter[nickname]', required: false, type: String })
  @ApiQuery({
    name: 'filter[stamps_collected][gte]',
    required: false,
    type: Number,
    description: 'Also eq, gt, lt, lte; filter[stamps_collected]=N means eq',
  })
  @ApiQuery({
    name: 'sort',
    required: false,
    type: String,
    example: '-stamps_collected,nickname',
  })
  @ApiQuery(FIELDS_QUERY)
  @ApiQuery({
    name: 'page[limit]',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  })
  @ApiQuery({
    name: 'page[offset]',
    required: false,
    schema: { type: 'integer', minimum: 0, default: 0 },
  })
  @ApiOkResponse({ description: 'A page of players', ...jsonApiContent(USER_INDEX_DOCUMENT) })
  @ApiBadRequestResponse(jsonApiError('`InvalidQuery` with `source.parameter`'))
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    const parameters = queryParameters(req);
    const { query, fields } = parseUserIndexQuery(parameters);
    const { items, total } = await this.players.list(query);
    const origin = requestOrigin(req);
    const links = indexLinks(requestUrl(req), `${origin}${req.path}`, parameters, query, total);
    const resources = items.map((player) => userResource(player, origin, fields));
    sendJsonApi(res, 200, userIndexDocument(resources, links, total));
  }

  @Post()
  @RallyRoute('api')
  @ApiOperation({ summary: 'Registers a player; its id is also its socket credential' })
  @ApiConsumes(...JSON_TYPES)
  @ApiBody({ schema: userWriteDocument(false) })
  @ApiQuery(FIELDS_QUERY)
  @ApiCreatedResponse({
    description: 'The new player; `Location` is its URL',
    headers: {
      Location: { description: 'links.self of the new resource', schema: { type: 'string' } },
    },
    ...jsonApiContent(USER_DOCUMENT),
  })
  @ApiBadRequestResponse(
    jsonApiError(
      '`InvalidBody` (document shape, malformed JSON) or `invalid_attribute`, with `source.pointer`',
    ),
  )
  @ApiForbiddenResponse(jsonApiError('`forbidden`: a client-generated id'))
  @ApiConflictResponse(jsonApiError('`conflict`: `type` other than `user`'))
  async create(@Req() req: Request, @Res() res: Response, @Body() body: unknown): Promise<void> {
    const fields = parseUserFields(queryParameters(req));
    const player = await this.players.create(userChanges(body, { action: 'create' }));
    const resource = userResource(player, requestOrigin(req), fields);
    res.setHeader('Location', resource.links.self);
    sendJsonApi(res, 201, userDocument(resource, requestUrl(req)));
  }

  @Get(':id')
  @RallyRoute('api')
  @ApiOperation({ summary: 'One player (knowing the id is being that player)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery(FIELDS_QUERY)
  @ApiOkResponse({ description: 'The player', ...jsonApiContent(USER_DOCUMENT) })
  @ApiBadRequestResponse(jsonApiError('`InvalidQuery`'))
  @ApiNotFoundResponse(jsonApiError('`not_found`: unknown id, or not a UUID'))
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const fields = parseUserFields(queryParameters(req));
    const player = await this.players.get(id);
    sendJsonApi(
      res,
      200,
      userDocument(userResource(player, requestOrigin(req), fields), requestUrl(req)),
    );
  }

  @Patch(':id')
  @RallyRoute('api')
  @ApiOperation({ summary: 'Changes the attributes sent (nickname, self-reported stamps)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiConsumes(...JSON_TYPES)
  @ApiBody({ schema: userWriteDocument(true) })
  @ApiQuery(FIELDS_QUERY)
  @ApiOkResponse({ description: 'The updated player', ...jsonApiContent(USER_DOCUMENT) })
  @ApiBadRequestResponse(
    jsonApiError(
      '`InvalidBody` (document shape, malformed JSON) or `invalid_attribute`, with `source.pointer`',
    ),
  )
  @ApiNotFoundResponse(jsonApiError('`not_found`: unknown id, or not a UUID'))
  @ApiConflictResponse(
    jsonApiError('`conflict`: `type` other than `user`, `data.id` other than the URL id'),
  )
  async update(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<void> {
    const fields = parseUserFields(queryParameters(req));
    const player = await this.players.update(id, userChanges(body, { action: 'update', id }));
    sendJsonApi(
      res,
      200,
      userDocument(userResource(player, requestOrigin(req), fields), requestUrl(req)),
    );
  }
}
