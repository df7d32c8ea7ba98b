import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { BatchQueue } from '../common/batching/batch-queue.js';
import { CURSOR_AT_FORMAT, type PageCursor } from '../common/pagination/page-cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { CONFIG, type Config } from '../config/config.js';
import { preparedQuery } from '../database/prepared-query.js';
import { AppCounters } from '../metrics/app-counters.js';
import { ChatError } from '../conversations/chat-error.js';
import { ConversationMember } from '../conversations/conversation-member.entity.js';
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

/** A message to store; its id is chosen here so that a batch's rows map back to their sends. */
interface Submitted {
  id: string;
  conversationId: string;
  senderId: string;
  content: string;
  clientMsgId: string | null;
}

type SendResult = { message: MessageJson; duplicate: boolean } | undefined;

/** A row of SEND_SQL: for the send `for_id`, the new message or the original of its key. */
interface SentRow extends MessageFields {
  for_id: string;
  is_new: boolean;
}

/**
 * Stores a batch of sends in one statement (one commit): arrays $1 ids, $2 conversations,
 * $3 senders, $4 contents, $5 client_msg_ids. Only members' sends are inserted, in the order
 * given (so inserted_at follows it); a send whose client_msg_id its sender already used in that
 * conversation inserts nothing and gets the original. A send with no row: not a member, or a
 * duplicate this statement cannot see (same batch, or committed concurrently).
 */
const SEND_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])
      WITH ORDINALITY AS t(id, conversation_id, sender_id, content, client_msg_id, n)
  ), allowed AS (
    SELECT i.* FROM input i
     WHERE EXISTS (SELECT 1 FROM conversation_members m
                    WHERE m.conversation_id = i.conversation_id AND m.user_id = i.sender_id)
  ), inserted AS (
    INSERT INTO messages (id, conversation_id, sender_id, content, client_msg_id)
    SELECT id, conversation_id, sender_id, content, client_msg_id FROM allowed ORDER BY n
    ON CONFLICT (conversation_id, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL
      DO NOTHING
    RETURNING id, sender_id, content, inserted_at, updated_at
  )
  SELECT id AS for_id, true AS is_new, id, sender_id, content, inserted_at, updated_at
    FROM inserted
  UNION ALL
  SELECT a.id, false, m.id, m.sender_id, m.content, m.inserted_at, m.updated_at
    FROM allowed a
    JOIN messages m ON m.conversation_id = a.conversation_id AND m.sender_id = a.sender_id
                   AND m.client_msg_id = a.client_msg_id
   WHERE a.client_msg_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM inserted x WHERE x.id = a.id)`;

/**
 * One batch of sends commits at a time; sends that arrive meanwhile leave together in the next
 * (at most SEND_BATCH_MAX): one WAL flush for many messages, which is what bounds a chat's write
 * rate. One at a time also makes the broadcast order the stored order (inserted_at, id) on this
 * node, so that a client's `last_seen_id` never hides a message broadcast after it but stored
 * before it.
 */
const SEND_BATCHES_IN_FLIGHT = 1;
const SEND_BATCH_MAX = 200;

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
    private readonly counters: AppCounters,
  ) {}

  private readonly sends = new BatchQueue<Submitted, SendResult>((batch) => this.store(batch), {
    maxInFlight: SEND_BATCHES_IN_FLIGHT,
    maxBatch: SEND_BATCH_MAX,
  });

  /**
   * Stores a message from a member. With a `clientMsgId` already used by this sender in this
   * conversation, nothing is stored and the original comes back with `duplicate: true`.
   * Undefined when the sender is not a member. Concurrent sends share statements and commits
   * (`BatchQueue`); each resolves once its message is committed.
   */
  send(
    conversationId: string,
    senderId: string,
    content: string,
    clientMsgId: string | null,
  ): Promise<SendResult> {
    return this.sends.submit({ id: randomUUID(), conversationId, senderId, content, clientMsgId });
  }

  private async store(batch: Submitted[]): Promise<SendResult[]> {
    const started = performance.now();
    const rows = await preparedQuery<SentRow>(this.db, 'messages.send', SEND_SQL, [
      batch.map((s) => s.id),
      batch.map((s) => s.conversationId),
      batch.map((s) => s.senderId),
      batch.map((s) => s.content),
      batch.map((s) => s.clientMsgId),
    ]);
    this.counters.chatBatchCommitted((performance.now() - started) / 1000);
    this.counters.chatMessagesStored(rows.filter((row) => row.is_new).length);
    const byId = new Map(rows.map((row) => [row.for_id, row]));
    return Promise.all(
      batch.map(async (s): Promise<SendResult> => {
        const row = byId.get(s.id);
        return row ? { message: rowJson(row), duplicate: !row.is_new } : this.unseen(s);
      }),
    );
  }

  /** A send the batch statement did not store or match: not a member, or an unseen duplicate. */
  private async unseen(s: Submitted): Promise<SendResult> {
    const member = await this.db
      .getRepository(ConversationMember)
      .existsBy({ conversationId: s.conversationId, userId: s.senderId });
    if (!member || s.clientMsgId === null) return undefined;
    const original = await this.db.getRepository(Message).findOneByOrFail({
      conversationId: s.conversationId,
      senderId: s.senderId,
      clientMsgId: s.clientMsgId,
    });
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
