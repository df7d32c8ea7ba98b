import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { CURSOR_AT_FORMAT, type PageCursor } from '../common/pagination/page-cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { CONFIG, type Config } from '../config/config.js';
import { preparedQuery } from '../database/prepared-query.js';
import { ChatError } from '../conversations/chat-error.js';
import { type MessageJson, messageJson } from '../conversations/chat-json.js';
import { Message } from './message.entity.js';

interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: string;
  content: string;
  inserted_at: Date;
  updated_at: Date;
  cursor_at: string;
}

type MessageFields = Omit<MessageRow, 'cursor_at' | 'conversation_id'>;

/** A row of SEND_SQL: the new message, or the original of a repeated client_msg_id. */
interface SentRow extends MessageFields {
  is_new: boolean;
}

/**
 * Inserts only for a member ($1 conversation, $2 sender); on a repeated client_msg_id ($4)
 * inserts nothing and returns the original instead. No row: not a member (or see `send`).
 */
const SEND_SQL = `
  WITH member AS (
    SELECT 1 FROM conversation_members WHERE conversation_id = $1::uuid AND user_id = $2::uuid
  ), inserted AS (
    INSERT INTO messages (conversation_id, sender_id, content, client_msg_id)
    SELECT $1::uuid, $2::uuid, $3::text, $4::text FROM member
    ON CONFLICT (conversation_id, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL
      DO NOTHING
    RETURNING id, sender_id, content, inserted_at, updated_at
  )
  SELECT true AS is_new, id, sender_id, content, inserted_at, updated_at FROM inserted
  UNION ALL
  SELECT false, m.id, m.sender_id, m.content, m.inserted_at, m.updated_at
    FROM messages m, member
   WHERE $4::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM inserted)
     AND m.conversation_id = $1::uuid AND m.sender_id = $2::uuid AND m.client_msg_id = $4::text`;

const rowJson = (row: MessageFields): MessageJson =>
  messageJson({
    id: row.id,
    senderId: row.sender_id,
    content: row.content,
    insertedAt: row.inserted_at,
    updatedAt: row.updated_at,
  } as Message);

/** Messages of a conversation: persisted first, paged newest first, recovered after a gap. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Stores a message from a member. With a `clientMsgId` already used by this sender in this
   * conversation, nothing is stored and the original comes back with `duplicate: true`.
   * Undefined when the sender is not a member. One round trip in the common case: the
   * membership check, the insert and the duplicate lookup are one statement.
   */
  async send(
    conversationId: string,
    senderId: string,
    content: string,
    clientMsgId: string | null,
  ): Promise<{ message: MessageJson; duplicate: boolean } | undefined> {
    const rows = await preparedQuery<SentRow>(this.db, 'messages.send', SEND_SQL, [
      conversationId,
      senderId,
      content,
      clientMsgId,
    ]);
    if (rows.length > 0) return { message: rowJson(rows[0]), duplicate: !rows[0].is_new };
    // Nothing came back: not a member, or a duplicate committed by a concurrent send after this
    // statement's snapshot (ON CONFLICT saw it, the lookup could not). A new statement tells.
    const [member] = await this.db.query<unknown[]>(
      'SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, senderId],
    );
    if (member === undefined || clientMsgId === null) return undefined;
    const original = await this.db
      .getRepository(Message)
      .findOneByOrFail({ conversationId, senderId, clientMsgId });
    return { message: messageJson(original), duplicate: true };
  }

  /** Only the sender, only in this conversation, only while not deleted. */
  async edit(
    conversationId: string,
    userId: string,
    messageId: string,
    content: string,
  ): Promise<Message> {
    const message = await this.own(conversationId, userId, messageId);
    await this.db.query(
      'UPDATE messages SET content = $2, updated_at = clock_timestamp() WHERE id = $1',
      [message.id, content],
    );
    return this.db.getRepository(Message).findOneByOrFail({ id: message.id });
  }

  /** Soft deletion: the row keeps a deleted_at and leaves history pages. */
  async remove(conversationId: string, userId: string, messageId: string): Promise<void> {
    const message = await this.own(conversationId, userId, messageId);
    await this.db.query('UPDATE messages SET deleted_at = clock_timestamp() WHERE id = $1', [
      message.id,
    ]);
  }

  /** A page of the conversation's messages, newest first (keyset on inserted_at, id). */
  async page(
    conversationId: string,
    size: number,
    after: PageCursor | null,
  ): Promise<Page<MessageJson>> {
    const params: unknown[] = [conversationId, CURSOR_AT_FORMAT, size + 1];
    let keyset = '';
    if (after) {
      params.push(after.at, after.id);
      keyset = 'AND (inserted_at, id) < ($4::timestamptz, $5::uuid)';
    }
    const rows = await this.db.query<MessageRow[]>(
      `SELECT id, conversation_id, sender_id, content, inserted_at, updated_at,
              to_char(inserted_at AT TIME ZONE 'UTC', $2) AS cursor_at
         FROM messages
        WHERE conversation_id = $1 AND deleted_at IS NULL ${keyset}
        ORDER BY inserted_at DESC, id DESC
        LIMIT $3`,
      params,
    );
    return toPage(rows, size, (row) => ({ at: row.cursor_at, id: row.id }), rowJson);
  }

  /**
   * Every live message after `lastSeenId`, oldest first, at most CHAT_MISSED_LIMIT; `complete`
   * is false when there were more, or when `lastSeenId` is not a message of this conversation.
   */
  async missedAfter(
    conversationId: string,
    lastSeenId: string,
  ): Promise<{ items: MessageJson[]; complete: boolean }> {
    const limit = this.config.chat.missedLimit;
    const anchor = await this.db
      .getRepository(Message)
      .findOneBy({ id: lastSeenId, conversationId });
    if (anchor === null) return { items: [], complete: false };
    const rows = await this.db.query<MessageRow[]>(
      `SELECT m.id, m.conversation_id, m.sender_id, m.content, m.inserted_at, m.updated_at, '' AS cursor_at
         FROM messages m, messages a
        WHERE a.id = $2 AND m.conversation_id = $1 AND m.deleted_at IS NULL
          AND (m.inserted_at, m.id) > (a.inserted_at, a.id)
        ORDER BY m.inserted_at, m.id
        LIMIT $3`,
      [conversationId, lastSeenId, limit + 1],
    );
    return { items: rows.slice(0, limit).map(rowJson), complete: rows.length <= limit };
  }

  private async own(conversationId: string, userId: string, messageId: string): Promise<Message> {
    const message = await this.db
      .getRepository(Message)
      .findOneBy({ id: messageId, conversationId, deletedAt: IsNull() });
    if (message === null) throw new ChatError('not_found');
    if (message.senderId !== userId) throw new ChatError('forbidden');
    return message;
  }
}
