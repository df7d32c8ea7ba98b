import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { NotificationsChannel } from './notifications.channel.js';
import { NotificationsService } from './notifications.service.js';
import { Player } from './player.entity.js';
import { PlayerSocketAuthenticator } from './player-socket.authenticator.js';
import { PlayersService } from './players.service.js';

/** The stamp-rally product: players over JSON:API, the leaderboard, live notifications. */
@Module({
  imports: [TypeOrmModule.forFeature([Player]), RealtimeModule],
  providers: [
    PlayersService,
    NotificationsService,
    PlayerSocketAuthenticator,
    NotificationsChannel,
  ],
  exports: [PlayersService, NotificationsService],
})
export class RallyModule {}
