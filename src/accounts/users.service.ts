import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { PublicUser } from '../auth/login-body.js';
import { CURSOR_AT_FORMAT, type PageCursor } from '../common/pagination/page-cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { User } from './user.entity.js';

export interface UserSearch {
  /** Substring of the email or display name, case-insensitive; "" lists everyone. */
  search: string;
  size: number;
  /** Where the previous page ended; null for the first page. */
  after: PageCursor | null;
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  cursor_at: string;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern that declares `ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /**
   * Everyone but the caller whose email or display name contains `search` (case-insensitive,
   * literally), newest first by (inserted_at DESC, id DESC), one keyset page at a time.
   */
  async search(callerId: string, { search, size, after }: UserSearch): Promise<Page<PublicUser>> {
    const query = this.users
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .addSelect('u.email', 'email')
      .addSelect('u.displayName', 'display_name')
      .addSelect(`to_char(u.inserted_at AT TIME ZONE 'UTC', :cursorFormat)`, 'cursor_at')
      .setParameter('cursorFormat', CURSOR_AT_FORMAT)
      .where('u.id <> :callerId', { callerId });
    if (search !== '') {
      query.andWhere(
        "(u.email ILIKE :pattern ESCAPE '\\' OR u.display_name ILIKE :pattern ESCAPE '\\')",
        { pattern: `%${escapeLike(search)}%` },
      );
    }
    if (after !== null) {
      query.andWhere(
        '(u.inserted_at, u.id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))',
        {
          afterAt: after.at,
          afterId: after.id,
        },
      );
    }
    const rows = await query
      .orderBy('u.inserted_at', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(size + 1)
      .getRawMany<UserRow>();
    return toPage(
      rows,
      size,
      (row) => ({ at: row.cursor_at, id: row.id }),
      (row) => ({ id: row.id, email: row.email, display_name: row.display_name }),
    );
  }

  /** Sets the display name (validated by the caller: 3–20 characters). */
  async setDisplayName(userId: string, displayName: string): Promise<void> {
    await this.users.update({ id: userId }, { displayName, updatedAt: new Date() });
  }
}
