import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import { invalidToken } from '../common/errors/domain-error.js';
import { type TokenPurpose, UserToken } from './user-token.entity.js';

const DAY = 24 * 60 * 60 * 1000;
export const TOKEN_LIFETIMES_MS: Record<TokenPurpose, number> = {
  refresh: 14 * DAY,
  email_confirmation: 7 * DAY,
  email_change: 7 * DAY,
  password_reset: 1 * DAY,
};

const RAW_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of the token's 32 bytes; undefined when it cannot be one of ours. */
export function tokenHash(raw: string): Buffer | undefined {
  if (!RAW_TOKEN.test(raw)) return undefined;
  return createHash('sha256').update(Buffer.from(raw, 'base64url')).digest();
}

/**
 * Refresh, email-confirmation, email-change and password-reset tokens: 32 random bytes given to
 * the client as base64url without padding; only the SHA-256 is stored, with its purpose.
 */
@Injectable()
export class SecretTokens {
  constructor(@InjectRepository(UserToken) private readonly tokens: Repository<UserToken>) {}

  /** Creates a token for `userId`; returns the only copy of the raw value. */
  async issue(userId: string, purpose: TokenPurpose, manager?: EntityManager): Promise<string> {
    const bytes = randomBytes(32);
    const repo = manager ? manager.getRepository(UserToken) : this.tokens;
    await repo.insert({
      userId,
      purpose,
      tokenHash: createHash('sha256').update(bytes).digest(),
      expiresAt: new Date(Date.now() + TOKEN_LIFETIMES_MS[purpose]),
    });
    return bytes.toString('base64url');
  }

  /** The live (unused, unexpired) token row, or undefined. */
  async find(
    raw: string,
    purpose: TokenPurpose,
    manager?: EntityManager,
  ): Promise<UserToken | undefined> {
    const hash = tokenHash(raw);
    if (hash === undefined) return undefined;
    const repo = manager ? manager.getRepository(UserToken) : this.tokens;
    const row = await repo.findOneBy({
      tokenHash: hash,
      purpose,
      usedAt: IsNull(),
      expiresAt: MoreThan(new Date()),
    });
    return row ?? undefined;
  }

  /**
   * Single use with rotation: marks the refresh token used and issues its successor. Presenting
   * a token that was already rotated is reuse: every refresh token of its user is revoked.
   */
  async rotateRefresh(raw: string, manager: EntityManager): Promise<RefreshRotation> {
    const hash = tokenHash(raw);
    if (hash === undefined) throw invalidToken();
    const repo = manager.getRepository(UserToken);
    const row = await repo.findOne({
      where: { tokenHash: hash, purpose: 'refresh' },
      lock: { mode: 'pessimistic_write' },
    });
    if (row === null || row.expiresAt.getTime() <= Date.now()) throw invalidToken();
    if (row.usedAt !== null) {
      // Returned, not thrown: the revocation must commit with the caller's transaction.
      await repo.delete({ userId: row.userId, purpose: 'refresh' });
      return { reused: true, userId: row.userId };
    }
    await repo.update({ id: row.id }, { usedAt: new Date() });
    return {
      reused: false,
      userId: row.userId,
      token: await this.issue(row.userId, 'refresh', manager),
    };
  }

  /** Deletes the user's tokens of these purposes (all when omitted). */
  async revoke(userId: string, purposes?: TokenPurpose[], manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(UserToken) : this.tokens;
    await repo.delete(purposes ? { userId, purpose: In(purposes) } : { userId });
  }

  /** Deletes one token; unknown tokens are ignored. */
  async revokeOne(raw: string, purpose: TokenPurpose): Promise<void> {
    const hash = tokenHash(raw);
    if (hash !== undefined) await this.tokens.delete({ tokenHash: hash, purpose });
  }

  /** Removes expired rows (a periodic job calls it). */
  async purgeExpired(): Promise<number> {
    const result = await this.tokens.delete({ expiresAt: LessThan(new Date()) });
    return result.affected ?? 0;
  }
}

/** A rotation: the successor token, or reuse detected (every refresh token revoked). */
export type RefreshRotation =
  { reused: false; userId: string; token: string } | { reused: true; userId: string };
