import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { User } from '../../accounts/user.entity.js';
import { isUniqueViolation } from '../../database/postgres-errors.js';
import { ChatError } from '../chat-error.js';
import { ConversationMember } from '../conversation-member.entity.js';
import { Conversation } from '../conversation.entity.js';
import { type ConversationWithMembers, MAX_MEMBERS } from '../conversations.service.js';
import { ConversationKeysService, validKeyPair } from './conversation-keys.service.js';

/** The creator's key pair, as the client sent it (validated here). */
export interface CreatorKeys {
  publicKey: unknown;
  privateKey: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The private_pair of an encrypted private conversation (plain ones use `<a>:<b>`). */
export const encryptedPair = (a: string, b: string) => (a < b ? `e2e:${a}:${b}` : `e2e:${b}:${a}`);

/**
 * Encrypted conversations: created with the creator's key pair (the other members set theirs
 * with set_encryption_keys), found by private partner for GET /api/conversations/private/:id.
 */
@Injectable()
export class EncryptedConversationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly keys: ConversationKeysService,
  ) {}

  /** A group (never reused): the sender is always a member; at most 100 members. */
  async startGroup(
    senderId: string,
    userIds: string[],
    alias: string | null,
    creatorKeys: CreatorKeys,
  ): Promise<ConversationWithMembers> {
    const keys = validKeyPair(creatorKeys.publicKey, creatorKeys.privateKey);
    const ids = [...new Set([...userIds, senderId])].sort();
    if (ids.length > MAX_MEMBERS) throw new ChatError('too_many_members');
    await this.checkUsers(ids);
    return this.db.transaction(async (manager) => {
      const conversation = await this.create(manager, { private: false, alias, privatePair: null });
      await this.addMembers(manager, conversation.id, ids);
      await this.keys.store(conversation.id, senderId, keys, manager);
      return { conversation, memberIds: ids };
    });
  }

  /** A private conversation with one other user; `conversation_already_exists` when there is one. */
  async startPrivate(
    senderId: string,
    otherUserId: string,
    creatorKeys: CreatorKeys,
  ): Promise<ConversationWithMembers> {
    const keys = validKeyPair(creatorKeys.publicKey, creatorKeys.privateKey);
    if (otherUserId === senderId) throw new ChatError('incorrect_num_users');
    const ids = [senderId, otherUserId].sort();
    await this.checkUsers(ids);
    const privatePair = encryptedPair(senderId, otherUserId);
    try {
      return await this.db.transaction(async (manager) => {
        const conversation = await this.create(manager, {
          private: true,
          alias: null,
          privatePair,
        });
        await this.addMembers(manager, conversation.id, ids);
        await this.keys.store(conversation.id, senderId, keys, manager);
        return { conversation, memberIds: ids };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ChatError('conversation_already_exists');
      throw error;
    }
  }

  /**
   * The encrypted private conversation between the caller and `otherUserId` (while both are
   * members), or null; null for an id that is not a UUID (the web client sends "undefined").
   */
  async privateWith(userId: string, otherUserId: string): Promise<string | null> {
    if (!UUID.test(otherUserId)) return null;
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT c.id FROM conversations c
        WHERE c.private_pair = $1 AND c.encrypted
          AND (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = c.id
                 AND m.user_id IN ($2, $3)) = 2`,
      [encryptedPair(userId, otherUserId.toLowerCase()), userId, otherUserId.toLowerCase()],
    );
    return rows[0]?.id ?? null;
  }

  /** Every id a registered user, else `invalid_ids` (as start_conversation). */
  private async checkUsers(ids: string[]): Promise<void> {
    const found = await this.db.getRepository(User).countBy({ id: In(ids) });
    if (found !== ids.length) throw new ChatError('invalid_ids');
  }

  private async create(
    manager: EntityManager,
    fields: Pick<Conversation, 'private' | 'alias' | 'privatePair'>,
  ): Promise<Conversation> {
    const saved = await manager.save(
      manager.create(Conversation, { ...fields, encrypted: true, updatedAt: new Date() }),
    );
    // Reloaded: the database sets inserted_at, which save() does not read back.
    return manager.getRepository(Conversation).findOneByOrFail({ id: saved.id });
  }

  private async addMembers(manager: EntityManager, conversationId: string, ids: string[]) {
    await manager.insert(
      ConversationMember,
      ids.map((userId) => ({ conversationId, userId })),
    );
  }
}
