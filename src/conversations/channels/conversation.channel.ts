import { Inject } from '@nestjs/common';
import { publicUser } from '../../auth/login-body.js';
import { chatTimestamp } from '../../common/time/timestamps.js';
import { CONFIG, type Config } from '../../config/config.js';
import {
  type Ciphertexts,
  EncryptedMessagesService,
  type StoredGroup,
} from '../../messages/encrypted-messages.service.js';
import { MessagesService } from '../../messages/messages.service.js';
import {
  Channel,
  type ChannelContext,
  InvalidPayload,
  Join,
  On,
  type PayloadIssue,
  PHX,
  RealtimeEndpoint,
  Terminate,
  type TerminateReason,
} from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { conversationJson, messageJson } from '../chat-json.js';
import type { Conversation } from '../conversation.entity.js';
import { ConversationsService } from '../conversations.service.js';
import { ConversationKeysService, validKeyPair } from '../encryption/conversation-keys.service.js';
import { announceConversation } from './announce.js';
import { ChatChannelGuard, UUID } from './chat-channel-guard.js';
import {
  chatPayloadError,
  ChatPayloads,
  type DeleteMessagePayload,
  type EditMessagePayload,
  type ModifyConversationPayload,
  type SendMessagePayload,
  type SetEncryptionKeysPayload,
} from './chat-payloads.js';

const PAGE = 20;
const USER = 'userId';
/** Whether the joined conversation is encrypted (it never changes). */
const ENCRYPTED = 'encrypted';

function conversationIdOf(topic: string): string {
  const id = topic.slice('conversation:'.length);
  if (!UUID.test(id)) throw new ChatError('no_conversation');
  return id.toLowerCase();
}

/** `last_seen_id` of join params: undefined when absent, '' when not a UUID. */
function lastSeenOf(params: unknown): string | undefined {
  const lastSeen =
    typeof params === 'object' && params !== null
      ? (params as { last_seen_id?: unknown }).last_seen_id
      : undefined;
  if (lastSeen === undefined || lastSeen === null) return undefined;
  return typeof lastSeen === 'string' && UUID.test(lastSeen) ? lastSeen.toLowerCase() : '';
}

/** The join reply both kinds of conversation share: the conversation, members, a page. */
function joinReply(
  conversation: Conversation,
  members: Awaited<ReturnType<ConversationsService['members']>>,
  messages: unknown,
): Record<string, unknown> {
  return {
    conversation: conversationJson(conversation),
    users: members.map((m) => publicUser(m.user)),
    messages,
    read_times: Object.fromEntries(
      members.map((m) => [m.user.id, m.lastRead ? chatTimestamp(m.lastRead) : null]),
    ),
  };
}

/**
 * `conversation:{id}`: members only, checked at join and on every event. Messages are stored
 * before anyone is told; recovery after a reconnect reads PostgreSQL (`last_seen_id`).
 */
@Channel('conversation:*')
export class ConversationChannel {
  /** Last start_typing broadcast per `conversation:user`. */
  private readonly typing = new Map<string, number>();

  constructor(
    private readonly guard: ChatChannelGuard,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly encryptedMessages: EncryptedMessagesService,
    private readonly keys: ConversationKeysService,
    private readonly realtime: RealtimeEndpoint,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Join()
  async join(params: unknown, ctx: ChannelContext): Promise<object> {
    const userId = await this.guard.authorize(ctx, params);
    const id = conversationIdOf(ctx.topic);
    const conversation = await this.conversations.forMember(id, userId);
    if (!conversation) throw new ChatError('no_conversation');
    ctx.assigns.set(USER, userId);
    if (conversation.encrypted) return this.joinEncrypted(conversation, userId, params, ctx);
    const [members, page] = await Promise.all([
      this.conversations.members(id),
      this.messages.page(id, PAGE, null),
    ]);
    const reply = joinReply(conversation, members, page);
    const lastSeen = lastSeenOf(params);
    if (lastSeen !== undefined) {
      reply.missed = lastSeen
        ? await this.messages.missedAfter(id, lastSeen)
        : { items: [], complete: false };
    }
    return reply;
  }

  /**
   * The plain reply plus `public_keys` (every member with a key pair, the caller included) and
   * `private_key` (the caller's, or null); messages are the caller's own ciphertexts.
   */
  private async joinEncrypted(
    conversation: Conversation,
    userId: string,
    params: unknown,
    ctx: ChannelContext,
  ): Promise<object> {
    const id = conversation.id;
    ctx.assigns.set(ENCRYPTED, true);
    const [members, page, keys] = await Promise.all([
      this.conversations.members(id),
      this.encryptedMessages.page(id, userId, PAGE, null),
      this.keys.forMember(id, userId),
    ]);
    const reply: Record<string, unknown> = {
      ...joinReply(conversation, members, page),
      public_keys: keys.public_keys,
      private_key: keys.private_key,
    };
    const lastSeen = lastSeenOf(params);
    if (lastSeen !== undefined) {
      reply.missed = lastSeen
        ? await this.encryptedMessages.missedAfter(id, userId, lastSeen)
        : { items: [], complete: false };
    }
    return reply;
  }

  /**
   * Plain: persist, broadcast `new_message` (sender included), reply, then `finish_typing`.
   * Encrypted (`encrypted_messages`): one ciphertext per member, each delivered on its
   * recipient's `user:` topic before the reply.
   */
  @On('send_message', ChatPayloads.sendMessage)
  async sendMessage(payload: SendMessagePayload, ctx: ChannelContext): Promise<object> {
    if ('encrypted_messages' in payload) return this.sendEncrypted(payload, ctx);
    const userId = await this.guard.authorize(ctx, payload);
    if (ctx.assigns.get(ENCRYPTED) === true) throw new ChatError('encrypted_conversation');
    const id = conversationIdOf(ctx.topic);
    const sent = await this.messages.send(id, userId, payload.content, payload.client_msg_id);
    if (sent === undefined) throw this.notAMember(ctx);
    if (!sent.duplicate) {
      ctx.broadcast('new_message', { message: sent.message });
      ctx.afterReply(() => ctx.broadcast('finish_typing', { user_id: userId }));
    }
    return { message: sent.message };
  }

  private async sendEncrypted(
    payload: { encrypted_messages: Ciphertexts; client_msg_id: string | null },
    ctx: ChannelContext,
  ): Promise<object> {
    const userId = await this.guard.authorize(ctx, payload);
    if (ctx.assigns.get(ENCRYPTED) !== true) throw new ChatError('plain_conversation');
    const id = conversationIdOf(ctx.topic);
    const sent = await this.encryptedMessages.send(
      id,
      userId,
      payload.encrypted_messages,
      payload.client_msg_id,
      (group) => this.deliver(id, 'new_message', group),
    );
    if (sent === undefined) throw this.notAMember(ctx);
    if (!sent.duplicate) ctx.afterReply(() => ctx.broadcast('finish_typing', { user_id: userId }));
    return { message: sent.own };
  }

  /** `event {conversation_id, message}` on each recipient's `user:` topic, with its own copy. */
  private deliver(conversationId: string, event: string, group: StoredGroup): void {
    for (const { recipientId, message } of group.deliveries) {
      this.realtime.broadcast(`user:${recipientId}`, event, {
        conversation_id: conversationId,
        message,
      });
    }
  }

  /**
   * Plain: `{message_id, content}`, broadcast `update_message`. Encrypted: `{message_group_id,
   * encrypted_messages}` (one per recipient of the group), delivered as `edit_message` on each
   * recipient's `user:` topic.
   */
  @On('edit_message', ChatPayloads.editMessage)
  async editMessage(payload: EditMessagePayload, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const encrypted = ctx.assigns.get(ENCRYPTED) === true;
    if ('message_group_id' in payload) {
      if (!encrypted) throw new ChatError('plain_conversation');
      const edited = await this.encryptedMessages.edit(
        id,
        userId,
        payload.message_group_id,
        payload.encrypted_messages,
        (group) => this.deliver(id, 'edit_message', group),
      );
      return { message: edited.own };
    }
    if (encrypted) throw new ChatError('encrypted_conversation');
    const message = await this.messages.edit(id, userId, payload.message_id, payload.content);
    const json = messageJson(message);
    ctx.broadcast('update_message', { message: json });
    return { message: json };
  }

  /**
   * Plain: soft deletion, everyone gets `delete_message {message_id}`. Encrypted: the group's
   * ciphertexts are erased, everyone gets `delete_message {message_group_id}`.
   */
  @On('delete_message', ChatPayloads.deleteMessage)
  async deleteMessage(payload: DeleteMessagePayload, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const encrypted = ctx.assigns.get(ENCRYPTED) === true;
    if ('message_group_id' in payload) {
      if (!encrypted) throw new ChatError('plain_conversation');
      await this.encryptedMessages.remove(id, userId, payload.message_group_id);
      ctx.broadcast('delete_message', { message_group_id: payload.message_group_id });
      return {};
    }
    if (encrypted) throw new ChatError('encrypted_conversation');
    const target = payload.message_id;
    await this.messages.remove(id, userId, target);
    ctx.broadcast('delete_message', { message_id: target });
    return {};
  }

  /**
   * A member's key pair for this encrypted conversation (once: `keys_already_set`); everyone
   * here gets `set_encryption_keys {user_id, public_key}`.
   */
  @On('set_encryption_keys', ChatPayloads.setEncryptionKeys)
  async setEncryptionKeys(payload: SetEncryptionKeysPayload, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    if (ctx.assigns.get(ENCRYPTED) !== true) throw new ChatError('plain_conversation');
    const keys = validKeyPair(payload.public_key, payload.private_key);
    const publicKey = await this.keys.store(id, userId, keys);
    ctx.broadcast('set_encryption_keys', { user_id: userId, public_key: publicKey });
    return {};
  }

  /** Ephemeral; broadcast at most once per CHAT_TYPING_INTERVAL_MS per user. */
  @On('start_typing', ChatPayloads.tokenOnly)
  async startTyping(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const key = `${id}:${userId}`;
    const now = Date.now();
    if (now - (this.typing.get(key) ?? -Infinity) >= this.config.chat.typingIntervalMs) {
      this.typing.set(key, now);
      ctx.broadcast('start_typing', { user_id: userId });
    }
    return {};
  }

  @On('finish_typing', ChatPayloads.tokenOnly)
  async finishTyping(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId } = await this.member(ctx, payload);
    ctx.broadcast('finish_typing', { user_id: userId });
    return {};
  }

  @On('read_conversation', ChatPayloads.tokenOnly)
  async readConversation(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const readAt = chatTimestamp(await this.conversations.markRead(id, userId));
    ctx.broadcast('read_conversation', { user_id: userId, read_at: readAt });
    return { read_at: readAt };
  }

  @On('change_alias', ChatPayloads.changeAlias)
  async changeAlias(payload: { alias: string | null }, ctx: ChannelContext): Promise<object> {
    const { id } = await this.member(ctx, payload);
    const conversation = await this.conversations.changeAlias(id, payload.alias);
    ctx.broadcast('update_alias', { conversation: conversationJson(conversation) });
    return {};
  }

  /** Adds members and sets the alias; every member's `user:` topic gets `new_conversation`. */
  @On('modify_conversation', ChatPayloads.modifyConversation)
  async modifyConversation(
    payload: ModifyConversationPayload,
    ctx: ChannelContext,
  ): Promise<object> {
    const { id } = await this.member(ctx, payload);
    // `new_alias` wins; the HEAD web client sends `alias` (spec chat-encrypted Part A item 5).
    const alias = payload.new_alias !== undefined ? payload.new_alias : payload.alias;
    if (alias === undefined) throw new ChatError('invalid_payload');
    const modified = await this.conversations.modify(id, payload.new_members, alias);
    announceConversation(this.realtime, modified.conversation, modified.memberIds);
    ctx.broadcast('update_alias', { conversation: conversationJson(modified.conversation) });
    return {};
  }

  /** Reply ok, broadcast `leave_conversation`, then close the leaver's channel. */
  @On('leave_conversation', ChatPayloads.tokenOnly)
  async leaveConversation(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    await this.conversations.leave(id, userId);
    ctx.broadcast('leave_conversation', { user_id: userId });
    ctx.close();
    return {};
  }

  @On('*')
  async unknown(payload: unknown, ctx: ChannelContext): Promise<never> {
    await this.member(ctx, payload);
    throw new ChatError('unknown_event');
  }

  /** A payload that breaks its event's contract: a non-member hears not_a_member first. */
  @InvalidPayload()
  async invalidPayload(
    issues: PayloadIssue[],
    payload: unknown,
    ctx: ChannelContext,
    event: string,
  ): Promise<never> {
    if (event !== PHX.join) await this.member(ctx, payload);
    throw chatPayloadError(issues);
  }

  /** A member's channel ending (leave or disconnect) stops their typing indicator. */
  @Terminate()
  terminate(_reason: TerminateReason, ctx: ChannelContext): void {
    const userId = ctx.assigns.get(USER);
    if (typeof userId !== 'string') return;
    this.typing.delete(`${conversationIdOf(ctx.topic)}:${userId}`);
    this.realtime.broadcast(ctx.topic, 'finish_typing', { user_id: userId });
  }

  /** The caller, if still a member; one who left gets `not_a_member` and the channel closes. */
  private async member(
    ctx: ChannelContext,
    payload: unknown,
  ): Promise<{ userId: string; id: string }> {
    const userId = await this.guard.authorize(ctx, payload);
    const id = conversationIdOf(ctx.topic);
    if (!(await this.conversations.forMember(id, userId))) throw this.notAMember(ctx);
    return { userId, id };
  }

  /** Closes the channel of one who is no longer a member; the error to reply with. */
  private notAMember(ctx: ChannelContext): ChatError {
    ctx.close();
    return new ChatError('not_a_member');
  }
}
