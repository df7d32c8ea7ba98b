import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Player } from './player.entity.js';
import { PlayersService } from './players.service.js';

/** The stamp-rally product: players over JSON:API, the leaderboard, live notifications. */
@Module({
  imports: [TypeOrmModule.forFeature([Player])],
  providers: [PlayersService],
  exports: [PlayersService],
})
export class RallyModule {}
