import { Body, Controller, HttpCode, Post, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { FieldErrorsPipe } from '../common/validation/field-errors.pipe.js';
import { AuthThrottlerGuard } from './auth-throttler.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { TokenDto } from './dto/token.dto.js';
import type { LoginBody } from './login-body.js';

@ApiTags('auth')
@Controller('auth')
@UsePipes(FieldErrorsPipe)
@UseGuards(AuthThrottlerGuard)
@ApiTooManyRequestsResponse({
  description: '`{"error":{"message":"Too many requests"}}` with `Retry-After` (seconds).',
})
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @HttpCode(200)
  @ApiOkResponse({
    description: 'The login body: user, conversations, users, auth_token, refresh_token.',
  })
  @ApiUnprocessableEntityResponse({
    description: '`{"errors":{"email":["has already been taken"]}}`',
  })
  @ApiBadRequestResponse({ description: '`{"error":{"missing_parameters":["email"]}}`' })
  register(@Body() body: RegisterDto): Promise<LoginBody> {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The login body.' })
  @ApiUnauthorizedResponse({
    description: '`{"error":{"message":"Invalid email and/or password"}}`',
  })
  login(@Body() body: LoginDto): Promise<LoginBody> {
    return this.auth.login(body);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({
    description: 'The login body with a new refresh token (the old one is used up).',
  })
  @ApiBadRequestResponse({ description: '`{"error":{"message":"Invalid token"}}`' })
  refresh(@Body() body: TokenDto): Promise<LoginBody> {
    return this.auth.refresh(body.token);
  }
}
