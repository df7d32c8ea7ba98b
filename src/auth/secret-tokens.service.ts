import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import { type TokenPurpose, UserToken } from './user-token.entity.js';

const DAY = 24 * 60 * 60 * 1000;
export const TOKEN_LIFETIMES_MS: Record<TokenPurpose, number> = {
  refresh: 14 * DAY,
  email_confirmation: 7 * DAY,
  email_change: 7 * DAY,
  password_reset: 1 * DAY,
};

const RAW_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The 32 bytes of a token as the client holds it; undefined when it cannot be one of ours. */
export function tokenBytes(raw: string): Buffer | undefined {
  return RAW_TOKEN.test(raw) ? Buffer.from(raw, 'base64url') : undefined;
}

/** What is stored of a token: the SHA-256 of its bytes. */
export const tokenDigest = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

/** The stored form of a raw token; undefined when it cannot be one of ours. */
function tokenHash(raw: string): Buffer | undefined {
  const bytes = tokenBytes(raw);
  return bytes && tokenDigest(bytes);
}

/**
 * Refresh, email-confirmation, email-change and password-reset tokens: 32 random bytes given to
 * the client as base64url without padding (a refresh token's successor is derived instead, see
 * RefreshTokens); only the SHA-256 is stored, with its purpose.
 */
@Injectable()
export class SecretTokens {
  constructor(@InjectRepository(UserToken) private readonly tokens: Repository<UserToken>) {}

  /** Creates a random token for `userId`; returns the only copy of the raw value. */
  issue(userId: string, purpose: TokenPurpose, manager?: EntityManager): Promise<string> {
    return this.store(userId, purpose, randomBytes(32), manager);
  }

  /** Stores the digest of `bytes` as a token of `userId`; returns the raw value. */
  async store(
    userId: string,
    purpose: TokenPurpose,
    bytes: Buffer,
    manager?: EntityManager,
  ): Promise<string> {
    const repo = manager ? manager.getRepository(UserToken) : this.tokens;
    await repo.insert({
      userId,
      purpose,
      tokenHash: tokenDigest(bytes),
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
