import { UsersService } from '../../accounts/users.service.js';
import { ProfilesService } from '../../profiles/profiles.service.js';
import {
  Channel,
  type ChannelContext,
  Join,
  On,
  Presence,
  RealtimeEndpoint,
} from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { messageJson } from '../chat-json.js';
import { ConversationsService } from '../conversations.service.js';
import { ChatChannelGuard, objectPayload, UUID } from './chat-channel-guard.js';
import { announceConversation } from './announce.js';

export const SYSTEM_TOPIC = 'system:general';
const TRACKED = 'tracked';

function message(payload: Record<string, unknown>): string {
  const text = typeof payload.message === 'string' ? payload.message.trim() : '';
  if (text.length === 0 || [...text].length > 4000) throw new ChatError('invalid_payload');
  return text;
}

function alias(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.trim().length > 100)
    throw new ChatError('invalid_payload');
  return value.trim() || null;
}

/**
 * `system:general`: presence of every visible user, hiding, display names and starting
 * conversations.
 */
@Channel(SYSTEM_TOPIC)
export class SystemChannel {
  constructor(
    private readonly guard: ChatChannelGuard,
    private readonly presence: Presence,
    private readonly profiles: ProfilesService,
    private readonly users: UsersService,
    private readonly conversations: ConversationsService,
    private readonly realtime: RealtimeEndpoint,
  ) {}

  /** `hidden` in the payload wins; without it the stored profile value is used. */
  @Join()
  async join(params: unknown, ctx: ChannelContext): Promise<object> {
    const userId = await this.guard.authorize(ctx, params);
    const requested =
      typeof params === 'object' && params !== null
        ? (params as { hidden?: unknown }).hidden
        : undefined;
    const hidden =
      typeof requested === 'boolean' ? requested : (await this.profiles.get(userId)).hidden;
    this.setVisibility(ctx, userId, hidden);
    this.presence.pushState(ctx);
    return {};
  }

  /** Idempotent: persists the profile, (un)tracks presence and re-pushes presence_state. */
  @On('set_hidden')
  async setHidden(payload: unknown, ctx: ChannelContext): Promise<object> {
    const userId = await this.guard.authorize(ctx, payload);
    const hidden = objectPayload(payload).hidden;
    if (typeof hidden !== 'boolean') throw new ChatError('invalid_payload');
    await this.profiles.update(userId, { hidden });
    this.setVisibility(ctx, userId, hidden);
    this.presence.pushState(ctx);
    return {};
  }

  /** 3–20 characters; everyone on system:general gets `update_display_name`. */
  @On('set_display_name')
  async setDisplayName(payload: unknown, ctx: ChannelContext): Promise<object> {
    const userId = await this.guard.authorize(ctx, payload);
    const raw = objectPayload(payload).display_name;
    const name = typeof raw === 'string' ? raw.trim() : undefined;
    const problem =
      name === undefined
        ? 'is invalid'
        : name.length < 3
          ? 'should be at least 3 character(s)'
          : name.length > 20
            ? 'should be at most 20 character(s)'
            : undefined;
    if (problem) throw new ChatError('validation_failed', { errors: { display_name: [problem] } });
    await this.users.setDisplayName(userId, name!);
    ctx.broadcast('update_display_name', { user_id: userId, display_name: name });
    return {};
  }

  /**
   * Private (exactly one other user; reused when it exists) or group (up to 100 members). The
   * sender is always a member; every member's `user:` topic gets `new_conversation`. Replies
   * with the bare conversation id.
   */
  @On('start_conversation')
  async startConversation(payload: unknown, ctx: ChannelContext): Promise<string> {
    const senderId = await this.guard.authorize(ctx, payload);
    const body = objectPayload(payload);
    if (typeof body.private !== 'boolean' || !Array.isArray(body.user_ids))
      throw new ChatError('invalid_payload');
    const userIds = body.user_ids as unknown[];
    if (!userIds.every((id): id is string => typeof id === 'string' && UUID.test(id))) {
      throw new ChatError('invalid_user_ids');
    }
    const started = await this.conversations.start(senderId, {
      private: body.private,
      userIds: userIds.map((id) => id.toLowerCase()),
      message: message(body),
      alias: body.private ? null : alias(body.alias),
    });
    announceConversation(this.realtime, started.conversation, started.memberIds);
    // Members already on a reused private conversation see the appended message live.
    this.realtime.broadcast(`conversation:${started.conversation.id}`, 'new_message', {
      message: messageJson(started.message),
    });
    return started.conversation.id;
  }

  @On('*')
  unknown(): never {
    throw new ChatError('unknown_event');
  }

  private setVisibility(ctx: ChannelContext, userId: string, hidden: boolean): void {
    const tracked = ctx.assigns.get(TRACKED) === true;
    if (hidden && tracked) {
      this.presence.untrack(ctx, userId);
      ctx.assigns.set(TRACKED, false);
    } else if (!hidden && !tracked) {
      this.presence.track(ctx, userId, { online_at: String(Math.floor(Date.now() / 1000)) });
      ctx.assigns.set(TRACKED, true);
    }
  }
}
