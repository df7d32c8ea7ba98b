import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { JsonApiFallbackController } from './http/json-api-fallback.controller.js';
import { JsonApiParseErrors } from './http/json-api-parse-errors.js';
import { LeaderboardController } from './http/leaderboard.controller.js';
import { NotificationsController } from './http/notifications.controller.js';
import { PlayersController } from './http/players.controller.js';
import { RallyCorsMiddleware } from './http/rally-cors.js';
import { NotificationsChannel } from './notifications.channel.js';
import { NotificationsService } from './notifications.service.js';
import { Player } from './player.entity.js';
import { PlayerLookup } from './player-lookup.js';
import { PlayerSocketAuthenticator } from './player-socket.authenticator.js';
import { PlayersService } from './players.service.js';
import { RallyTokenWarning } from './rally-token-warning.js';

/** The stamp-rally product: players over JSON:API, the leaderboard, live notifications. */
@Module({
  imports: [TypeOrmModule.forFeature([Player]), RealtimeModule],
  // The fallback (404 for any other /api/json path) must stay last.
  controllers: [
    PlayersController,
    LeaderboardController,
    NotificationsController,
    JsonApiFallbackController,
  ],
  providers: [
    JsonApiParseErrors,
    RallyTokenWarning,
    PlayersService,
    PlayerLookup,
    NotificationsService,
    PlayerSocketAuthenticator,
    NotificationsChannel,
  ],
  exports: [PlayersService, NotificationsService],
})
export class RallyModule implements NestModule {
  /** CORS (and preflight answers) for /api/json, before routing and the bearer check. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RallyCorsMiddleware)
      .forRoutes({ path: 'api/json/{*path}', method: RequestMethod.ALL });
  }
}
