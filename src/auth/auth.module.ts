import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../accounts/user.entity.js';
import { CONFIG, type Config } from '../config/config.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { UserProfile } from '../profiles/user-profile.entity.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AccessTokens } from './access-tokens.js';
import { AuthThrottlerGuard } from './auth-throttler.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { BearerGuard } from './bearer.guard.js';
import { ChatSocketAuthenticator } from './chat-socket.authenticator.js';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsService } from './credentials.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { PasswordHasher } from './password-hasher.js';
import { RateLimitStore } from './rate-limit-store.js';
import { RefreshTokens } from './refresh-tokens.js';
import { SecretTokens } from './secret-tokens.service.js';
import { SessionController } from './session.controller.js';
import { Sessions } from './sessions.js';
import { jwtKey } from './jwt-key.js';
import { TokenPurge } from './token-purge.js';
import { UserToken } from './user-token.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserProfile, UserToken]),
    PassportModule,
    ConversationsModule,
    RealtimeModule,
    JwtModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => ({
        secret: jwtKey(config.auth.jwtSecret),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, SessionController, CredentialsController],
  providers: [
    AuthService,
    CredentialsService,
    Sessions,
    PasswordHasher,
    SecretTokens,
    RefreshTokens,
    AccessTokens,
    JwtStrategy,
    BearerGuard,
    AuthThrottlerGuard,
    RateLimitStore,
    ChatSocketAuthenticator,
    TokenPurge,
  ],
  exports: [AccessTokens, BearerGuard, SecretTokens, PasswordHasher],
})
export class AuthModule {}
