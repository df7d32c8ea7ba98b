import { Injectable } from '@nestjs/common';
import { AccessTokens } from '../../auth/access-tokens.js';
import { ChatPrincipal } from '../../auth/chat-principal.js';
import type { ChannelContext } from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who may act on a chat channel: a chat socket's user, with the payload's token if any. */
@Injectable()
export class ChatChannelGuard {
  constructor(private readonly accessTokens: AccessTokens) {}

  /** The chat user on this socket; other sockets (stamp-rally players) get `unauthorized`. */
  userOf(ctx: ChannelContext): string {
    const principal = ctx.principal;
    if (!(principal instanceof ChatPrincipal)) throw new ChatError('unauthorized');
    return principal.userId;
  }

  /** A `token` in the payload is optional; when present it must be a live token of this user. */
  async checkToken(payload: unknown, userId: string): Promise<void> {
    const token =
      typeof payload === 'object' && payload !== null
        ? (payload as { token?: unknown }).token
        : undefined;
    if (token === undefined) return;
    const owner = typeof token === 'string' ? await this.accessTokens.userIdOf(token) : undefined;
    if (owner !== userId) throw new ChatError('invalid_token');
  }

  /** userOf + checkToken. */
  async authorize(ctx: ChannelContext, payload: unknown): Promise<string> {
    const userId = this.userOf(ctx);
    await this.checkToken(payload, userId);
    return userId;
  }
}
