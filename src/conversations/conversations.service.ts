import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { Message } from '../messages/message.entity.js';
import { AppCounters } from '../metrics/app-counters.js';
import { ChatError } from './chat-error.js';
import { ConversationMember } from './conversation-member.entity.js';
import { Conversation } from './conversation.entity.js';

/** Groups hold at most this many members. */
export const MAX_MEMBERS = 100;

export interface StartConversation {
  private: boolean;
  userIds: string[];
  message: string;
  alias: string | null;
}

/** A conversation with the ids of its members (sorted). */
export interface ConversationWithMembers {
  conversation: Conversation;
  memberIds: string[];
}

/** A started conversation and its first message. */
export interface StartedConversation extends ConversationWithMembers {
  message: Message;
}

const pairOf = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** Conversations, membership and read markers. Channels authorize through it on every event. */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly counters: AppCounters,
  ) {}

  /** The conversation, if `userId` is a member of it. */
  async forMember(conversationId: string, userId: string): Promise<Conversation | undefined> {
    const conversation = await this.db
      .getRepository(Conversation)
      .createQueryBuilder('c')
      .innerJoin(ConversationMember, 'm', 'm.conversation_id = c.id AND m.user_id = :userId', {
        userId,
      })
      .where('c.id = :conversationId', { conversationId })
      .getOne();
    return conversation ?? undefined;
  }

  async memberIds(
    conversationId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<string[]> {
    const rows = await manager.getRepository(ConversationMember).find({
      where: { conversationId },
      order: { userId: 'ASC' },
    });
    return rows.map((r) => r.userId);
  }

  /** Members with their read markers. */
  async members(conversationId: string): Promise<Array<{ user: User; lastRead: Date | null }>> {
    const rows = await this.db
      .getRepository(ConversationMember)
      .find({ where: { conversationId } });
    const users = await this.db.getRepository(User).findBy({ id: In(rows.map((r) => r.userId)) });
    const byId = new Map(users.map((u) => [u.id, u]));
    return rows.flatMap((r) =>
      byId.has(r.userId) ? [{ user: byId.get(r.userId)!, lastRead: r.lastRead }] : [],
    );
  }

  /** The user's conversations and the other members of them (for the login body). */
  async directory(userId: string): Promise<{ conversations: Conversation[]; users: User[] }> {
    const conversations = await this.db
      .getRepository(Conversation)
      .createQueryBuilder('c')
      .innerJoin(ConversationMember, 'm', 'm.conversation_id = c.id AND m.user_id = :userId', {
        userId,
      })
      .orderBy('c.updated_at', 'DESC')
      .getMany();
    if (conversations.length === 0) return { conversations, users: [] };
    const users = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .where(
        `u.id IN (SELECT user_id FROM conversation_members WHERE conversation_id IN (:...ids)) AND u.id <> :userId`,
        { ids: conversations.map((c) => c.id), userId },
      )
      .getMany();
    return { conversations, users };
  }

  /**
   * start_conversation: the sender is always a member. A private conversation has exactly one
   * other member and is reused when it exists (the message is appended); a group is new each time.
   */
  async start(senderId: string, input: StartConversation): Promise<StartedConversation> {
    const ids = [...new Set([...input.userIds, senderId])].sort();
    if (input.private && ids.length !== 2) throw new ChatError('incorrect_num_users');
    if (ids.length > MAX_MEMBERS) throw new ChatError('too_many_members');
    const found = await this.db.getRepository(User).countBy({ id: In(ids) });
    if (found !== ids.length) throw new ChatError('invalid_ids');
    try {
      const started = await this.db.transaction(async (manager) => {
        const saved = input.private
          ? await this.privateConversation(manager, ids[0], ids[1])
          : await manager.save(
              manager.create(Conversation, {
                private: false,
                alias: input.alias,
                privatePair: null,
                updatedAt: new Date(),
              }),
            );
        // Reloaded: the database sets inserted_at, which save() does not read back.
        const conversation = await manager
          .getRepository(Conversation)
          .findOneByOrFail({ id: saved.id });
        await manager
          .createQueryBuilder()
          .insert()
          .into(ConversationMember)
          .values(ids.map((userId) => ({ conversationId: conversation.id, userId })))
          .orIgnore()
          .execute();
        const message = await manager.save(
          manager.create(Message, {
            conversationId: conversation.id,
            senderId,
            content: input.message,
            clientMsgId: null,
          }),
        );
        return {
          conversation,
          memberIds: ids,
          message: await manager.getRepository(Message).findOneByOrFail({ id: message.id }),
        };
      });
      this.counters.chatMessagesStored(1); // the first message, committed with the conversation
      return started;
    } catch (error) {
      // Two first messages between the same pair at once: the other one created it; reuse it.
      if (input.private && isUniqueViolation(error)) return this.start(senderId, input);
      throw error;
    }
  }

  async changeAlias(conversationId: string, alias: string | null): Promise<Conversation> {
    const conversation = await this.group(conversationId);
    conversation.alias = alias;
    conversation.updatedAt = new Date();
    return this.db.getRepository(Conversation).save(conversation);
  }

  /** Adds members to a group and sets its alias; answers the group and all its members. */
  async modify(
    conversationId: string,
    newMembers: string[],
    alias: string | null,
  ): Promise<ConversationWithMembers> {
    const conversation = await this.group(conversationId);
    return this.db.transaction(async (manager) => {
      const current = await this.memberIds(conversationId, manager);
      const additions = [...new Set(newMembers)];
      if (additions.some((id) => current.includes(id))) throw new ChatError('already_members');
      if (current.length + additions.length > MAX_MEMBERS) throw new ChatError('too_many_members');
      if (additions.length > 0) {
        const found = await manager.getRepository(User).countBy({ id: In(additions) });
        if (found !== additions.length) throw new ChatError('users_not_found');
        await manager.insert(
          ConversationMember,
          additions.map((userId) => ({ conversationId, userId })),
        );
      }
      conversation.alias = alias;
      conversation.updatedAt = new Date();
      await manager.save(conversation);
      return { conversation, memberIds: [...current, ...additions].sort() };
    });
  }

  /** Leaves a group; the last member leaving deletes it (messages go with it). */
  async leave(conversationId: string, userId: string): Promise<{ deleted: boolean }> {
    await this.group(conversationId);
    return this.db.transaction(async (manager) => {
      await manager.delete(ConversationMember, { conversationId, userId });
      const remaining = await manager.getRepository(ConversationMember).countBy({ conversationId });
      if (remaining > 0) return { deleted: false };
      await manager.delete(Conversation, { id: conversationId });
      return { deleted: true };
    });
  }

  /** Sets the member's read marker to now. */
  async markRead(conversationId: string, userId: string): Promise<Date> {
    // For an UPDATE, query() answers [rows, affected count].
    const [rows] = await this.db.query<[Array<{ last_read: Date }>, number]>(
      `UPDATE conversation_members SET last_read = clock_timestamp()
        WHERE conversation_id = $1 AND user_id = $2 RETURNING last_read`,
      [conversationId, userId],
    );
    if (rows.length === 0) throw new ChatError('not_a_member');
    return rows[0].last_read;
  }

  private async group(conversationId: string): Promise<Conversation> {
    const conversation = await this.db
      .getRepository(Conversation)
      .findOneBy({ id: conversationId });
    if (conversation === null) throw new ChatError('no_conversation');
    if (conversation.private) throw new ChatError('private_conversation');
    return conversation;
  }

  private async privateConversation(
    manager: EntityManager,
    a: string,
    b: string,
  ): Promise<Conversation> {
    const pair = pairOf(a, b);
    const existing = await manager.getRepository(Conversation).findOneBy({ privatePair: pair });
    if (existing) {
      existing.updatedAt = new Date();
      return manager.save(existing);
    }
    return manager.save(
      manager.create(Conversation, {
        private: true,
        alias: null,
        privatePair: pair,
        updatedAt: new Date(),
      }),
    );
  }
}
