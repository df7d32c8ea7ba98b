import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Player } from './player.entity.js';
import { RallyError } from './rally-error.js';

export interface PlayerChanges {
  nickname?: string | null;
  stampsCollected?: number;
}

/** A player with a nickname: the leaderboard's entries. */
export type NamedPlayer = Player & { nickname: string };

export type PlayerSortField = 'nickname' | 'stamps_collected';
export type Comparison = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

/** Index query: already validated by the HTTP layer. */
export interface PlayerQuery {
  nickname?: string;
  stamps?: Partial<Record<Comparison, number>>;
  sort: Array<{ field: PlayerSortField; descending: boolean }>;
  limit: number;
  offset: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SQL_COMPARISON: Record<Comparison, string> = {
  eq: '=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const COLUMN: Record<PlayerSortField, string> = {
  nickname: 'p.nickname',
  stamps_collected: 'p.stamps_collected',
};

/** Stamp-rally players: anonymous, identified by their id (which is also their socket credential). */
@Injectable()
export class PlayersService {
  constructor(@InjectRepository(Player) private readonly players: Repository<Player>) {}

  async create(changes: PlayerChanges): Promise<Player> {
    const saved = await this.players.save(
      this.players.create({
        nickname: changes.nickname ?? null,
        stampsCollected: changes.stampsCollected ?? 0,
        updatedAt: new Date(),
      }),
    );
    return this.get(saved.id);
  }

  /** The player, or a 404 problem (also for ids that are not UUIDs). */
  async get(id: string): Promise<Player> {
    const player = UUID.test(id) ? await this.players.findOneBy({ id }) : null;
    if (player === null) throw RallyError.notFound(id);
    return player;
  }

  async update(id: string, changes: PlayerChanges): Promise<Player> {
    const player = await this.get(id);
    if (changes.nickname !== undefined) player.nickname = changes.nickname;
    if (changes.stampsCollected !== undefined) player.stampsCollected = changes.stampsCollected;
    player.updatedAt = new Date();
    await this.players.save(player);
    return this.get(id);
  }

  /** The index: filters, sort and a page; `total` counts every match. */
  async list(query: PlayerQuery): Promise<{ items: Player[]; total: number }> {
    const qb = this.players.createQueryBuilder('p');
    if (query.nickname !== undefined)
      qb.andWhere('p.nickname = :nickname', { nickname: query.nickname });
    for (const [op, value] of Object.entries(query.stamps ?? {})) {
      qb.andWhere(`p.stamps_collected ${SQL_COMPARISON[op as Comparison]} :stamps_${op}`, {
        [`stamps_${op}`]: value,
      });
    }
    for (const { field, descending } of query.sort)
      qb.addOrderBy(COLUMN[field], descending ? 'DESC' : 'ASC', 'NULLS LAST');
    qb.addOrderBy('p.created_at', 'ASC').addOrderBy('p.id', 'ASC');
    const [items, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    return { items, total };
  }

  /**
   * Named players, most stamps first, then by nickname: players without a nickname are left out
   * before the limit (the HoloQuest client hides them, so they would take ranked players' places).
   */
  leaderboard(limit: number): Promise<NamedPlayer[]> {
    return this.players
      .createQueryBuilder('p')
      .where('p.nickname IS NOT NULL')
      .orderBy('p.stamps_collected', 'DESC')
      .addOrderBy('p.nickname', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit)
      .getMany() as Promise<NamedPlayer[]>;
  }
}
