import { Inject } from '@nestjs/common';
import { publicUser } from '../../auth/login-body.js';
import { chatTimestamp } from '../../common/time/timestamps.js';
import { CONFIG, type Config } from '../../config/config.js';
import { MessagesService } from '../../messages/messages.service.js';
import {
  Channel,
  type ChannelContext,
  Join,
  On,
  RealtimeEndpoint,
  Terminate,
  type TerminateReason,
} from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { conversationJson, messageJson } from '../chat-json.js';
import { ConversationsService } from '../conversations.service.js';
import { announceConversation } from './announce.js';
import { ChatChannelGuard, objectPayload, UUID } from './chat-channel-guard.js';

const PAGE = 20;
const USER = 'userId';

function conversationIdOf(topic: string): string {
  const id = topic.slice('conversation:'.length);
  if (!UUID.test(id)) throw new ChatError('no_conversation');
  return id.toLowerCase();
}

function content(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length === 0 || [...text].length > 4000) throw new ChatError('invalid_payload');
  return text;
}

/** A `send_message` payload: content and the optional idempotency key. */
function newMessage(payload: unknown): { content: string; clientMsgId: string | null } {
  const body = objectPayload(payload);
  const clientMsgId = body.client_msg_id ?? null;
  if (
    clientMsgId !== null &&
    (typeof clientMsgId !== 'string' || clientMsgId.length === 0 || clientMsgId.length > 100)
  ) {
    throw new ChatError('invalid_payload');
  }
  return { content: content(body.content), clientMsgId };
}

function messageId(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new ChatError('invalid_payload');
  return value;
}

function alias(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || value.trim().length > 100)
    throw new ChatError('invalid_payload');
  return value.trim() || null;
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
    const [members, page] = await Promise.all([
      this.conversations.members(id),
      this.messages.page(id, PAGE, null),
    ]);
    const reply: Record<string, unknown> = {
      conversation: conversationJson(conversation),
      users: members.map((m) => publicUser(m.user)),
      messages: page,
      read_times: Object.fromEntries(
        members.map((m) => [m.user.id, m.lastRead ? chatTimestamp(m.lastRead) : null]),
      ),
    };
    const lastSeen =
      typeof params === 'object' && params !== null
        ? (params as { last_seen_id?: unknown }).last_seen_id
        : undefined;
    if (lastSeen !== undefined && lastSeen !== null) {
      reply.missed =
        typeof lastSeen === 'string' && UUID.test(lastSeen)
          ? await this.messages.missedAfter(id, lastSeen.toLowerCase())
          : { items: [], complete: false };
    }
    return reply;
  }

  /** Persist, broadcast `new_message` (sender included), reply, then `finish_typing`. */
  @On('send_message')
  async sendMessage(payload: unknown, ctx: ChannelContext): Promise<object> {
    const userId = await this.guard.authorize(ctx, payload);
    const id = conversationIdOf(ctx.topic);
    let message: { content: string; clientMsgId: string | null };
    try {
      message = newMessage(payload);
    } catch (error) {
      await this.member(ctx, payload); // a non-member hears not_a_member first, as for any event
      throw error;
    }
    const sent = await this.messages.send(id, userId, message.content, message.clientMsgId);
    if (sent === undefined) throw this.notAMember(ctx);
    if (!sent.duplicate) {
      ctx.broadcast('new_message', { message: sent.message });
      ctx.afterReply(() => ctx.broadcast('finish_typing', { user_id: userId }));
    }
    return { message: sent.message };
  }

  @On('edit_message')
  async editMessage(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const body = objectPayload(payload);
    const message = await this.messages.edit(
      id,
      userId,
      messageId(body.message_id),
      content(body.content),
    );
    const json = messageJson(message);
    ctx.broadcast('update_message', { message: json });
    return { message: json };
  }

  /** Soft deletion; everyone gets `delete_message {message_id}`. */
  @On('delete_message')
  async deleteMessage(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const target = messageId(objectPayload(payload).message_id);
    await this.messages.remove(id, userId, target);
    ctx.broadcast('delete_message', { message_id: target });
    return {};
  }

  /** Ephemeral; broadcast at most once per CHAT_TYPING_INTERVAL_MS per user. */
  @On('start_typing')
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

  @On('finish_typing')
  async finishTyping(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId } = await this.member(ctx, payload);
    ctx.broadcast('finish_typing', { user_id: userId });
    return {};
  }

  @On('read_conversation')
  async readConversation(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { userId, id } = await this.member(ctx, payload);
    const readAt = chatTimestamp(await this.conversations.markRead(id, userId));
    ctx.broadcast('read_conversation', { user_id: userId, read_at: readAt });
    return { read_at: readAt };
  }

  @On('change_alias')
  async changeAlias(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { id } = await this.member(ctx, payload);
    const conversation = await this.conversations.changeAlias(
      id,
      alias(objectPayload(payload).alias),
    );
    ctx.broadcast('update_alias', { conversation: conversationJson(conversation) });
    return {};
  }

  /** Adds members and sets the alias; every member's `user:` topic gets `new_conversation`. */
  @On('modify_conversation')
  async modifyConversation(payload: unknown, ctx: ChannelContext): Promise<object> {
    const { id } = await this.member(ctx, payload);
    const body = objectPayload(payload);
    const newMembers = body.new_members ?? [];
    if (
      !Array.isArray(newMembers) ||
      !newMembers.every((m): m is string => typeof m === 'string' && UUID.test(m))
    ) {
      throw new ChatError('invalid_payload');
    }
    if (!('alias' in body)) throw new ChatError('invalid_payload');
    const modified = await this.conversations.modify(
      id,
      newMembers.map((m) => m.toLowerCase()),
      alias(body.alias),
    );
    announceConversation(this.realtime, modified.conversation, modified.memberIds);
    ctx.broadcast('update_alias', { conversation: conversationJson(modified.conversation) });
    return {};
  }

  /** Reply ok, broadcast `leave_conversation`, then close the leaver's channel. */
  @On('leave_conversation')
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
