import { UsersService } from '../../accounts/users.service.js';
import { ProfilesService } from '../../profiles/profiles.service.js';
import {
  Channel,
  type ChannelContext,
  InvalidPayload,
  Join,
  On,
  type PayloadIssue,
  Presence,
  RealtimeEndpoint,
} from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { messageJson } from '../chat-json.js';
import { ConversationsService } from '../conversations.service.js';
import { EncryptedConversationsService } from '../encryption/encrypted-conversations.service.js';
import { ChatChannelGuard } from './chat-channel-guard.js';
import {
  chatPayloadError,
  ChatPayloads,
  type StartConversationPayload,
  type StartGroupConversationPayload,
  type StartPrivateConversationPayload,
} from './chat-payloads.js';
import { announceConversation } from './announce.js';

export const SYSTEM_TOPIC = 'system:general';
const TRACKED = 'tracked';

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
    private readonly encrypted: EncryptedConversationsService,
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
  @On('set_hidden', ChatPayloads.setHidden)
  async setHidden(
    { hidden, ...payload }: { hidden: boolean },
    ctx: ChannelContext,
  ): Promise<object> {
    const userId = await this.guard.authorize(ctx, payload);
    await this.profiles.update(userId, { hidden });
    this.setVisibility(ctx, userId, hidden);
    this.presence.pushState(ctx);
    return {};
  }

  /** 3–20 characters; everyone on system:general gets `update_display_name`. */
  @On('set_display_name', ChatPayloads.setDisplayName)
  async setDisplayName(payload: { display_name: string }, ctx: ChannelContext): Promise<object> {
    const userId = await this.guard.authorize(ctx, payload);
    const name = payload.display_name;
    await this.users.setDisplayName(userId, name);
    ctx.broadcast('update_display_name', { user_id: userId, display_name: name });
    return {};
  }

  /**
   * Private (exactly one other user; reused when it exists) or group (up to 100 members). The
   * sender is always a member; every member's `user:` topic gets `new_conversation`. Replies
   * with the bare conversation id.
   */
  @On('start_conversation', ChatPayloads.startConversation)
  async startConversation(payload: StartConversationPayload, ctx: ChannelContext): Promise<string> {
    const senderId = await this.guard.authorize(ctx, payload);
    const started = await this.conversations.start(senderId, {
      private: payload.private,
      userIds: payload.user_ids,
      message: payload.message,
      alias: payload.private ? null : payload.alias,
    });
    announceConversation(this.realtime, started.conversation, started.memberIds);
    // Members already on a reused private conversation see the appended message live.
    this.realtime.broadcast(`conversation:${started.conversation.id}`, 'new_message', {
      message: messageJson(started.message),
    });
    return started.conversation.id;
  }

  /**
   * An encrypted group with the creator's key pair (`invalid_key`); the sender is always a
   * member, at most 100. Every member's `user:` topic gets `new_conversation`; replies with
   * the bare id.
   */
  @On('start_group_conversation', ChatPayloads.startGroupConversation)
  async startGroupConversation(
    payload: StartGroupConversationPayload,
    ctx: ChannelContext,
  ): Promise<string> {
    const senderId = await this.guard.authorize(ctx, payload);
    const keys = creatorKeys(payload);
    return this.announced(
      await this.encrypted.startGroup(senderId, payload.user_ids, payload.alias, keys),
    );
  }

  /**
   * An encrypted private conversation with `other_user_id` (`incorrect_num_users` for oneself,
   * `conversation_already_exists` when the two have one); as the group version otherwise.
   */
  @On('start_private_conversation', ChatPayloads.startPrivateConversation)
  async startPrivateConversation(
    payload: StartPrivateConversationPayload,
    ctx: ChannelContext,
  ): Promise<string> {
    const senderId = await this.guard.authorize(ctx, payload);
    const keys = creatorKeys(payload);
    return this.announced(await this.encrypted.startPrivate(senderId, payload.other_user_id, keys));
  }

  @On('*')
  unknown(): never {
    throw new ChatError('unknown_event');
  }

  /** A payload that breaks its event's contract; a bad token is reported first. */
  @InvalidPayload()
  async invalidPayload(
    issues: PayloadIssue[],
    payload: unknown,
    ctx: ChannelContext,
  ): Promise<never> {
    await this.guard.authorize(ctx, payload);
    throw chatPayloadError(issues);
  }

  /** Every member's `user:` topic gets `new_conversation`; the reply is the bare id. */
  private announced(started: {
    conversation: Parameters<typeof announceConversation>[1];
    memberIds: string[];
  }): string {
    announceConversation(this.realtime, started.conversation, started.memberIds);
    return started.conversation.id;
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

/** The creator's key pair as the payload names it. */
const creatorKeys = (payload: { public_key: unknown; private_key: unknown }) => ({
  publicKey: payload.public_key,
  privateKey: payload.private_key,
});
