import { createHmac, hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager, Repository } from 'typeorm';
import { invalidToken } from '../common/errors/domain-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { SecretTokens, tokenBytes, tokenDigest } from './secret-tokens.service.js';
import { UserToken } from './user-token.entity.js';

/** What presenting a refresh token led to. */
export type RefreshRotation =
  /** `token` is the successor: first presentation (rotated) or again within the reuse interval
   * (replayed: the same successor, or its own live successor if it was rotated since). */
  | { outcome: 'rotated' | 'replayed'; userId: string; token: string }
  /** Presented again after the reuse interval: every refresh token of the user is revoked. */
  | { outcome: 'reused'; userId: string };

/** A replay walks at most this many rotations down the chain to find the live token. */
const MAX_REPLAY_STEPS = 10;

/**
 * Refresh-token rotation with reuse detection and a reuse interval (REFRESH_REUSE_INTERVAL_MS).
 *
 * A token's successor is not random: it is the HMAC of the token's bytes under a key derived
 * from JWT_SECRET. Only digests are stored, yet a token presented again within the interval
 * (two tabs sharing one cookie, both reloading at once) is answered with the very successor the
 * first presentation got: no second session appears and nothing is revoked. Later, a presented
 * used token is taken for a stolen one and every refresh token of its user is revoked.
 */
@Injectable()
export class RefreshTokens {
  private readonly successorKey: Buffer;

  constructor(
    private readonly tokens: SecretTokens,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.successorKey = Buffer.from(
      hkdfSync('sha256', config.auth.jwtSecret, '', 'nestling refresh-token successor', 32),
    );
  }

  /** Rotates `raw` inside the caller's transaction (a revocation must commit with it). */
  async rotate(raw: string, manager: EntityManager): Promise<RefreshRotation> {
    const bytes = tokenBytes(raw);
    if (bytes === undefined) throw invalidToken();
    const repo = manager.getRepository(UserToken);
    // Locked: concurrent presentations of one token wait here, then see it used.
    const row = await repo.findOne({
      where: { tokenHash: tokenDigest(bytes), purpose: 'refresh' },
      lock: { mode: 'pessimistic_write' },
    });
    if (row === null || row.expiresAt.getTime() <= Date.now()) throw invalidToken();
    const { userId } = row;
    if (row.usedAt === null) {
      await repo.update({ id: row.id }, { usedAt: new Date() });
      const token = await this.tokens.store(userId, 'refresh', this.successorOf(bytes), manager);
      return { outcome: 'rotated', userId, token };
    }
    if (Date.now() - row.usedAt.getTime() < this.config.auth.refreshReuseIntervalMs) {
      const live = await this.liveSuccessor(bytes, repo);
      // Its successor was signed out or revoked: nothing to hand back, nothing to revoke.
      if (live === undefined) throw invalidToken();
      return { outcome: 'replayed', userId, token: live.toString('base64url') };
    }
    await repo.delete({ userId, purpose: 'refresh' });
    return { outcome: 'reused', userId };
  }

  private successorOf(bytes: Buffer): Buffer {
    return createHmac('sha256', this.successorKey).update(bytes).digest();
  }

  /** The first unused, unexpired token down the rotation chain of a used one. */
  private async liveSuccessor(
    bytes: Buffer,
    repo: Repository<UserToken>,
  ): Promise<Buffer | undefined> {
    let current = bytes;
    for (let step = 0; step < MAX_REPLAY_STEPS; step++) {
      current = this.successorOf(current);
      const row = await repo.findOneBy({ tokenHash: tokenDigest(current), purpose: 'refresh' });
      if (row === null || row.expiresAt.getTime() <= Date.now()) return undefined;
      if (row.usedAt === null) return current;
    }
    return undefined;
  }
}
