import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { RealtimeEndpoint } from '../realtime/realtime-endpoint.js';
import { SecretTokens } from './secret-tokens.service.js';
import { chatSocketId } from './socket-id.js';
import type { TokenPurpose } from './user-token.entity.js';

/**
 * Ending a user's sessions: tokens revoked and access tokens issued so far rejected (inside the
 * caller's transaction), then, once committed, the live sockets closed with 1001.
 */
@Injectable()
export class Sessions {
  constructor(
    private readonly tokens: SecretTokens,
    private readonly realtime: RealtimeEndpoint,
  ) {}

  /** Revokes the tokens of these purposes (all when omitted) and moves tokens_valid_after. */
  async revokeWithin(
    manager: EntityManager,
    userId: string,
    purposes?: TokenPurpose[],
  ): Promise<void> {
    await this.tokens.revoke(userId, purposes, manager);
    const now = new Date();
    await manager
      .getRepository(User)
      .update({ id: userId }, { tokensValidAfter: now, updatedAt: now });
  }

  /** Closes the user's live sockets (call after the transaction committed). */
  disconnect(userId: string): void {
    this.realtime.disconnect(chatSocketId(userId));
  }
}
