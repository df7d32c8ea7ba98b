import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BatchedLookup } from '../database/batched-lookup.js';

/** What the realtime paths need of a player: that it exists, and its stored nickname. */
export interface PlayerSummary {
  id: string;
  nickname: string | null;
}

/**
 * Player lookups of the socket paths (connect, presence join, announcements), batched: when
 * thousands of players connect at once (a rally opening, a deploy reconnecting every socket)
 * they share a few dozen statements instead of one each.
 */
@Injectable()
export class PlayerLookup {
  private readonly players: BatchedLookup<PlayerSummary>;

  constructor(@InjectDataSource() db: DataSource) {
    this.players = new BatchedLookup(
      db,
      'rally.players.lookup',
      'SELECT id, nickname FROM rally_players WHERE id = ANY($1::uuid[])',
    );
  }

  /** The player with this id; undefined when there is none (or the id is not a UUID). */
  find(id: string): Promise<PlayerSummary | undefined> {
    return this.players.find(id);
  }
}
