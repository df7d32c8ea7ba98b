import { Body, Controller, HttpCode, Patch, Post, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { User } from '../accounts/user.entity.js';
import { FieldErrorsPipe } from '../common/validation/field-errors.pipe.js';
import { AuthThrottlerGuard } from './auth-throttler.js';
import { BearerGuard } from './bearer.guard.js';
import { CredentialsService } from './credentials.service.js';
import { CurrentUser } from './current-user.decorator.js';
import {
  EmailChangeDto,
  PasswordChangeDto,
  PasswordRequestDto,
  PasswordResetDto,
} from './dto/credentials.dto.js';
import { TokenDto } from './dto/token.dto.js';
import type { PublicUser } from './login-body.js';

const INVALID_TOKEN = { description: '`{"error":{"message":"Invalid token"}}`' };
const TOO_MANY = {
  description: '`{"error":{"message":"Too many requests"}}` with `Retry-After`.',
};
const BEARER_401 = {
  description:
    '`{"errors":{"detail":"Authentication token is missing|invalid_token|invalid|expired."}}`',
};

/** Confirmation, password reset and change, email change. */
@ApiTags('auth')
@Controller()
@UsePipes(FieldErrorsPipe)
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post('auth/confirm')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The email address is confirmed.' })
  @ApiBadRequestResponse({
    description:
      'Invalid token, or `{"error":{"message":"Invalid input"}}` when already confirmed.',
  })
  confirm(@Body() body: TokenDto): Promise<void> {
    return this.credentials.confirmEmail(body.token);
  }

  @Post('auth/password/request')
  @HttpCode(204)
  @UseGuards(AuthThrottlerGuard)
  @ApiTooManyRequestsResponse(TOO_MANY)
  @ApiNoContentResponse({
    description: 'Always, whether or not the account exists (a reset link is mailed if it does).',
  })
  requestPasswordReset(@Body() body: PasswordRequestDto): Promise<void> {
    return this.credentials.requestPasswordReset(body.email);
  }

  @Post('auth/password/confirm')
  @HttpCode(200)
  @ApiOkResponse({
    description: '`{"success":true,"user":{"id","email","display_name"}}`; the token stays valid.',
  })
  @ApiBadRequestResponse(INVALID_TOKEN)
  async checkPasswordReset(@Body() body: TokenDto): Promise<{ success: true; user: PublicUser }> {
    return { success: true, user: await this.credentials.checkPasswordReset(body.token) };
  }

  @Post('auth/password/reset')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'New password set; every token revoked and live sockets closed.',
  })
  @ApiBadRequestResponse(INVALID_TOKEN)
  @ApiUnprocessableEntityResponse({
    description:
      '`{"errors":{"new_password":[…],"new_password_confirmation":["does not match password"]}}`',
  })
  resetPassword(@Body() body: PasswordResetDto): Promise<void> {
    return this.credentials.resetPassword(body);
  }

  @Post('api/token/email_confirm')
  @HttpCode(204)
  @UseGuards(BearerGuard)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'A new confirmation link is mailed.' })
  @ApiBadRequestResponse({
    description: '`{"error":{"message":"Invalid input"}}` when already confirmed.',
  })
  @ApiUnauthorizedResponse(BEARER_401)
  resendConfirmation(@CurrentUser() user: User): Promise<void> {
    return this.credentials.resendConfirmation(user);
  }

  @Post('api/token/email_change')
  @HttpCode(204)
  @UseGuards(BearerGuard)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'An email-change link is mailed to the current address.' })
  @ApiUnauthorizedResponse(BEARER_401)
  requestEmailChange(@CurrentUser() user: User): Promise<void> {
    return this.credentials.requestEmailChange(user);
  }

  @Patch('api/password')
  @HttpCode(204)
  // The bearer first: the throttler counts per user (and per IP) the guesses at the password.
  @UseGuards(BearerGuard, AuthThrottlerGuard)
  @ApiTooManyRequestsResponse(TOO_MANY)
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Password changed; every token revoked and live sockets closed.',
  })
  @ApiUnprocessableEntityResponse({
    description:
      '`{"errors":{"current_password":["is not valid"],"new_password":["did not change"],…}}`',
  })
  @ApiUnauthorizedResponse(BEARER_401)
  changePassword(@CurrentUser() user: User, @Body() body: PasswordChangeDto): Promise<void> {
    return this.credentials.changePassword(user, body);
  }

  @Patch('api/email')
  @HttpCode(204)
  // The bearer first: the throttler counts per user (and per IP) the guesses at the password.
  @UseGuards(BearerGuard, AuthThrottlerGuard)
  @ApiTooManyRequestsResponse(TOO_MANY)
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Email changed; every token revoked and live sockets closed.',
  })
  @ApiBadRequestResponse(INVALID_TOKEN)
  @ApiUnprocessableEntityResponse({
    description:
      '`{"errors":{"email":["has already been taken"],"current_password":["is not valid"]}}`',
  })
  @ApiUnauthorizedResponse(BEARER_401)
  changeEmail(@CurrentUser() user: User, @Body() body: EmailChangeDto): Promise<void> {
    return this.credentials.changeEmail(user, body);
  }
}
