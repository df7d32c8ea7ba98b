import { Body, Controller, HttpCode, Post, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { User } from '../accounts/user.entity.js';
import { FieldErrorsPipe } from '../common/validation/field-errors.pipe.js';
import { AuthService } from './auth.service.js';
import { BearerGuard } from './bearer.guard.js';
import { CurrentUser } from './current-user.decorator.js';
import { TokenDto } from './dto/token.dto.js';

/** Session routes under /api. */
@ApiTags('auth')
@Controller('api')
@UsePipes(FieldErrorsPipe)
export class SessionController {
  constructor(private readonly auth: AuthService) {}

  /** Revokes the given refresh token. Works with or without a bearer; unknown tokens → 204 too. */
  @Post('signout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The refresh token no longer works.' })
  @ApiBadRequestResponse({ description: '`{"error":{"missing_parameters":["token"]}}`' })
  async signOut(@Body() body: TokenDto): Promise<void> {
    await this.auth.signOut(body.token);
  }

  /** Revokes every refresh token, rejects older access tokens and closes the user's sockets. */
  @Post('signout_all')
  @HttpCode(204)
  @UseGuards(BearerGuard)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Signed out everywhere.' })
  @ApiUnauthorizedResponse({
    description: '`{"errors":{"detail":"Authentication token is missing."}}`',
  })
  async signOutEverywhere(@CurrentUser() user: User): Promise<void> {
    await this.auth.signOutEverywhere(user.id);
  }
}
