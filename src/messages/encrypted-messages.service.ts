import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CURSOR_AT_FORMAT, type PageCursor } from '../common/pagination/page-cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { chatTimestamp } from '../common/time/timestamps.js';
import { CONFIG, type Config } from '../config/config.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { AppCounters } from '../metrics/app-counters.js';
import { ChatError } from '../conversations/chat-error.js';
import type { EncryptedMessageJson } from '../conversations/chat-json.js';

/** `{recipient user id: base64 ciphertext}`, keys lower-cased (chat-payloads). */
export type Ciphertexts = Record<string, string>;

/** One recipient's copy of a message group, as it goes to that recipient. */
export interface Delivery {
  recipientId: string;
  message: EncryptedMessageJson;
}

/** A stored (or found again) message group: every recipient's copy, the sender's included. */
export interface StoredGroup {
  groupId: string;
  deliveries: Delivery[];
  /** The sender's own copy (the reply); null for a duplicate of a group deleted since. */
  own: EncryptedMessageJson | null;
  /** True when `client_msg_id` was used before: nothing was stored, nobody is told again. */
  duplicate: boolean;
}

interface GroupRow {
  id: string;
  sender_id: string;
  inserted_at: Date;
}

interface CopyRow {
  id: string;
  recipient_id: string;
  content: string;
  updated_at: Date;
}

/** A caller's copy with its group (pages, recovery). */
interface ReadRow extends CopyRow {
  message_group: string;
  sender_id: string;
  inserted_at: Date;
  cursor_at: string;
}

const copyJson = (group: GroupRow, row: CopyRow): EncryptedMessageJson => ({
  id: row.id,
  sender: group.sender_id,
  content: row.content,
  inserted_at: chatTimestamp(group.inserted_at),
  updated_at: chatTimestamp(row.updated_at),
  message_group: group.id,
});

const readJson = (row: ReadRow): EncryptedMessageJson =>
  copyJson({ id: row.message_group, sender_id: row.sender_id, inserted_at: row.inserted_at }, row);

/**
 * The recipients must be exactly `expected`: fewer entries → not_enough_recipients, more →
 * too_many_recipients, as many but naming someone else → invalid_recipients.
 */
export function checkRecipients(expected: string[], given: string[]): void {
  if (given.length < expected.length) throw new ChatError('not_enough_recipients');
  if (given.length > expected.length) throw new ChatError('too_many_recipients');
  const allowed = new Set(expected);
  if (given.some((id) => !allowed.has(id))) throw new ChatError('invalid_recipients');
}

/** The caller's copies with their groups, newest first or after an anchor (pages, recovery). */
const READ_SELECT = `
  SELECT e.id, e.recipient_id, e.content, e.updated_at, g.id AS message_group, g.sender_id,
         g.inserted_at, to_char(g.inserted_at AT TIME ZONE 'UTC', '${CURSOR_AT_FORMAT}') AS cursor_at
    FROM message_groups g
    JOIN encrypted_messages e ON e.message_group_id = g.id AND e.recipient_id = $2
   WHERE g.conversation_id = $1 AND g.deleted_at IS NULL`;

/**
 * Messages of encrypted conversations: one message group per send, one ciphertext per
 * recipient (the sender included). Each recipient only ever reads its own ciphertexts.
 */
@Injectable()
export class EncryptedMessagesService {
  /**
   * Sends and edits of one conversation run one at a time on a node, so that its members get
   * them in the stored order (what `last_seen_id` recovery relies on); conversations run apart.
   */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly counters: AppCounters,
  ) {}

  /**
   * Stores one ciphertext per current member under a new message group, then `deliver`s it
   * (before the next send is stored). A `clientMsgId` this sender already used here stores
   * nothing and answers the original (`duplicate`). Undefined when the sender is not a member.
   */
  send(
    conversationId: string,
    senderId: string,
    ciphertexts: Ciphertexts,
    clientMsgId: string | null,
    deliver: (group: StoredGroup) => void,
  ): Promise<StoredGroup | undefined> {
    return this.serial(conversationId, async () => {
      let stored: StoredGroup | undefined;
      try {
        stored = await this.db.transaction((manager) =>
          this.store(manager, conversationId, senderId, ciphertexts, clientMsgId),
        );
      } catch (error) {
        // The same client_msg_id committed at once through another node.
        if (!isUniqueViolation(error) || clientMsgId === null) throw error;
        stored = await this.original(this.db.manager, conversationId, senderId, clientMsgId);
      }
      if (stored && !stored.duplicate) {
        this.counters.chatMessagesStored(1);
        deliver(stored);
      }
      return stored;
    });
  }

  /** New ciphertexts for every recipient of the group (sender only); then `deliver`s them. */
  edit(
    conversationId: string,
    userId: string,
    groupId: string,
    ciphertexts: Ciphertexts,
    deliver: (group: StoredGroup) => void,
  ): Promise<StoredGroup> {
    return this.serial(conversationId, async () => {
      const edited = await this.db.transaction(async (manager) => {
        const group = await this.own(manager, conversationId, userId, groupId);
        const recipients = await manager.query<Array<{ recipient_id: string }>>(
          'SELECT recipient_id FROM encrypted_messages WHERE message_group_id = $1',
          [groupId],
        );
        const given = Object.keys(ciphertexts);
        checkRecipients(
          recipients.map((r) => r.recipient_id),
          given,
        );
        const [rows] = await manager.query<[CopyRow[], number]>(
          `UPDATE encrypted_messages e SET content = v.content, updated_at = clock_timestamp()
             FROM unnest($2::uuid[], $3::text[]) AS v(recipient_id, content)
            WHERE e.message_group_id = $1 AND e.recipient_id = v.recipient_id
        RETURNING e.id, e.recipient_id, e.content, e.updated_at`,
          [groupId, given, given.map((id) => ciphertexts[id])],
        );
        await manager.query(
          'UPDATE message_groups SET updated_at = clock_timestamp() WHERE id = $1',
          [groupId],
        );
        return this.grouped(group, rows, userId, false);
      });
      deliver(edited);
      return edited;
    });
  }

  /** Sender only: the group leaves history (its ciphertexts are erased; the id stays an anchor). */
  async remove(conversationId: string, userId: string, groupId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      await this.own(manager, conversationId, userId, groupId);
      await manager.query(
        'UPDATE message_groups SET deleted_at = clock_timestamp() WHERE id = $1',
        [groupId],
      );
      await manager.query('DELETE FROM encrypted_messages WHERE message_group_id = $1', [groupId]);
    });
  }

  /** A page of the caller's own ciphertexts, newest first (keyset on the group's inserted_at, id). */
  async page(
    conversationId: string,
    userId: string,
    size: number,
    after: PageCursor | null,
  ): Promise<Page<EncryptedMessageJson>> {
    const params: unknown[] = [conversationId, userId, size + 1];
    let keyset = '';
    if (after) {
      params.push(after.at, after.id);
      keyset = 'AND (g.inserted_at, g.id) < ($4::timestamptz, $5::uuid)';
    }
    const rows = await this.db.query<ReadRow[]>(
      `${READ_SELECT} ${keyset} ORDER BY g.inserted_at DESC, g.id DESC LIMIT $3`,
      params,
    );
    return toPage(rows, size, (row) => ({ at: row.cursor_at, id: row.message_group }), readJson);
  }

  /**
   * The caller's ciphertexts of every live group after `lastSeenId` (a message group id, or
   * the id of one of the caller's copies), oldest first, at most CHAT_MISSED_LIMIT; `complete`
   * is false when there were more or the anchor is unknown.
   */
  async missedAfter(
    conversationId: string,
    userId: string,
    lastSeenId: string,
  ): Promise<{ items: EncryptedMessageJson[]; complete: boolean }> {
    const limit = this.config.chat.missedLimit;
    const anchors = await this.db.query<Array<{ id: string }>>(
      `SELECT g.id FROM message_groups g
        WHERE g.conversation_id = $1
          AND (g.id = $2 OR g.id = (SELECT message_group_id FROM encrypted_messages
                                     WHERE id = $2 AND recipient_id = $3))`,
      [conversationId, lastSeenId, userId],
    );
    if (anchors.length === 0) return { items: [], complete: false };
    const rows = await this.db.query<ReadRow[]>(
      `${READ_SELECT}
         AND (g.inserted_at, g.id) > (SELECT inserted_at, id FROM message_groups WHERE id = $3)
       ORDER BY g.inserted_at, g.id
       LIMIT $4`,
      [conversationId, userId, anchors[0].id, limit + 1],
    );
    return { items: rows.slice(0, limit).map(readJson), complete: rows.length <= limit };
  }

  private async store(
    manager: EntityManager,
    conversationId: string,
    senderId: string,
    ciphertexts: Ciphertexts,
    clientMsgId: string | null,
  ): Promise<StoredGroup | undefined> {
    // Shares the row with other sends; a membership change (which updates it) waits for us.
    const conversation = await manager.query<Array<{ encrypted: boolean }>>(
      'SELECT encrypted FROM conversations WHERE id = $1 FOR SHARE',
      [conversationId],
    );
    const members = (
      await manager.query<Array<{ user_id: string }>>(
        'SELECT user_id FROM conversation_members WHERE conversation_id = $1',
        [conversationId],
      )
    ).map((m) => m.user_id);
    if (conversation.length === 0 || !members.includes(senderId)) return undefined;
    if (!conversation[0].encrypted) throw new ChatError('plain_conversation');
    if (clientMsgId !== null) {
      const original = await this.original(manager, conversationId, senderId, clientMsgId);
      if (original) return original;
    }
    const given = Object.keys(ciphertexts);
    checkRecipients(members, given);
    const [group] = await manager.query<GroupRow[]>(
      `INSERT INTO message_groups (conversation_id, sender_id, client_msg_id) VALUES ($1, $2, $3)
       RETURNING id, sender_id, inserted_at`,
      [conversationId, senderId, clientMsgId],
    );
    const rows = await manager.query<CopyRow[]>(
      `INSERT INTO encrypted_messages (message_group_id, recipient_id, content)
       SELECT $1, recipient_id, content FROM unnest($2::uuid[], $3::text[]) AS v(recipient_id, content)
       RETURNING id, recipient_id, content, updated_at`,
      [group.id, given, given.map((id) => ciphertexts[id])],
    );
    return this.grouped(group, rows, senderId, false);
  }

  /** The group this sender sent with `clientMsgId`, as first stored (or undefined). */
  private async original(
    manager: EntityManager,
    conversationId: string,
    senderId: string,
    clientMsgId: string,
  ): Promise<StoredGroup | undefined> {
    const groups = await manager.query<GroupRow[]>(
      `SELECT id, sender_id, inserted_at FROM message_groups
        WHERE conversation_id = $1 AND sender_id = $2 AND client_msg_id = $3`,
      [conversationId, senderId, clientMsgId],
    );
    if (groups.length === 0) return undefined;
    const rows = await manager.query<CopyRow[]>(
      `SELECT id, recipient_id, content, updated_at FROM encrypted_messages
        WHERE message_group_id = $1 AND recipient_id = $2`,
      [groups[0].id, senderId],
    );
    return this.grouped(groups[0], rows, senderId, true);
  }

  private grouped(
    group: GroupRow,
    rows: CopyRow[],
    senderId: string,
    duplicate: boolean,
  ): StoredGroup {
    const deliveries = rows.map((row) => ({
      recipientId: row.recipient_id,
      message: copyJson(group, row),
    }));
    const own = deliveries.find((d) => d.recipientId === senderId)?.message ?? null;
    return { groupId: group.id, deliveries, own, duplicate };
  }

  /** The live group of this conversation, if the caller sent it: else not_found / forbidden. */
  private async own(
    manager: EntityManager,
    conversationId: string,
    userId: string,
    groupId: string,
  ): Promise<GroupRow> {
    const [group] = await manager.query<GroupRow[]>(
      `SELECT id, sender_id, inserted_at FROM message_groups
        WHERE id = $1 AND conversation_id = $2 AND deleted_at IS NULL FOR UPDATE`,
      [groupId, conversationId],
    );
    if (group === undefined) throw new ChatError('not_found');
    if (group.sender_id !== userId) throw new ChatError('forbidden');
    return group;
  }

  private serial<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(conversationId) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    this.tails.set(conversationId, tail);
    void tail.then(() => {
      if (this.tails.get(conversationId) === tail) this.tails.delete(conversationId);
    });
    return run;
  }
}
