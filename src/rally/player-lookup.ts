import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BatchQueue } from '../common/batching/batch-queue.js';
import { preparedQuery } from '../database/prepared-query.js';

/** What the realtime paths need of a player: that it exists, and its stored nickname. */
export interface PlayerSummary {
  id: string;
  nickname: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const LOOKUP_SQL = 'SELECT id, nickname FROM rally_players WHERE id = ANY($1::uuid[])';

/**
 * Player lookups of the socket paths (connect, presence join, announcements), batched: a lookup
 * made while LOOKUPS_IN_FLIGHT statements run waits and leaves with the others in one
 * `id = ANY($1)` statement (a prepared one). When thousands of players connect at once (a rally
 * opening, a deploy reconnecting every socket) that is a few dozen round trips instead of one
 * per socket, and when traffic is light a lookup goes out alone, at once.
 */
const LOOKUPS_IN_FLIGHT = 2;
const LOOKUP_BATCH_MAX = 500;

@Injectable()
export class PlayerLookup {
  private readonly lookups = new BatchQueue<string, PlayerSummary | undefined>(
    (ids) => this.load(ids),
    { maxInFlight: LOOKUPS_IN_FLIGHT, maxBatch: LOOKUP_BATCH_MAX },
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The player with this id; undefined when there is none (or the id is not a UUID). */
  find(id: string): Promise<PlayerSummary | undefined> {
    return UUID.test(id) ? this.lookups.submit(id.toLowerCase()) : Promise.resolve(undefined);
  }

  private async load(ids: string[]): Promise<Array<PlayerSummary | undefined>> {
    const rows = await preparedQuery<PlayerSummary>(this.db, 'rally.players.lookup', LOOKUP_SQL, [
      ids,
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }
}
