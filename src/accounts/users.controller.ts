import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { BearerGuard } from '../auth/bearer.guard.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { InvalidQuery } from '../common/errors/invalid-query.js';
import { isUnstorableText } from '../common/json/json-limits.js';
import { parsePageToken } from '../common/pagination/page-cursor.js';
import { parsePageSize } from '../common/pagination/page-size.js';
import { UsersResponse } from './dto/users-page.response.js';
import type { User } from './user.entity.js';
import { UsersService } from './users.service.js';

/** `search`: absent or "" → everyone; a repeated parameter or text PostgreSQL cannot hold → 400. */
function parseSearch(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || isUnstorableText(value)) {
    throw new InvalidQuery({ search: ['is invalid'] });
  }
  return value;
}

@ApiTags('users')
@Controller('api')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Finds other users by email or display name, newest accounts first. */
  @Get('users')
  @UseGuards(BearerGuard)
  @ApiBearerAuth()
  @ApiQuery({
    name: 'search',
    required: false,
    type: String,
    description:
      'Case-insensitive substring of the email or display name; % and _ match literally. ' +
      'Absent or empty: every user. The caller is never listed.',
  })
  @ApiQuery({
    name: 'page_size',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({
    name: 'page_token',
    required: false,
    type: String,
    description: 'The page_token of the previous page ("" or absent: the first page).',
  })
  @ApiOkResponse({ type: UsersResponse })
  @ApiBadRequestResponse({
    description:
      '`{"errors":{"page_size":["must be an integer between 1 and 100"]}}`, ' +
      '`{"errors":{"page_token":["is invalid"]}}` or `{"errors":{"search":["is invalid"]}}`',
  })
  @ApiUnauthorizedResponse({
    description: '`{"errors":{"detail":"Authentication token is missing."}}` (or invalid, expired)',
  })
  async list(
    @CurrentUser() user: User,
    @Query('search') search: unknown,
    @Query('page_size') pageSize: unknown,
    @Query('page_token') pageToken: unknown,
  ): Promise<UsersResponse> {
    const page = await this.users.search(user.id, {
      search: parseSearch(search),
      size: parsePageSize(pageSize),
      after: parsePageToken(pageToken),
    });
    return { users: page };
  }
}
