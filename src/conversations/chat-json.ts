import { chatTimestamp } from '../common/time/timestamps.js';
import type { Message } from '../messages/message.entity.js';
import type { Conversation } from './conversation.entity.js';

/** The wire shapes the web client checks (spec Part B). */
export interface ConversationJson {
  id: string;
  private: boolean;
  alias: string | null;
  inserted_at: string;
  updated_at: string;
}

export interface MessageJson {
  id: string;
  sender: string;
  content: string;
  inserted_at: string;
  updated_at: string;
}

/** A message of an encrypted conversation: the recipient's own ciphertext (`id` is its row). */
export interface EncryptedMessageJson extends MessageJson {
  message_group: string;
}

export function conversationJson(c: Conversation): ConversationJson {
  return {
    id: c.id,
    private: c.private,
    alias: c.alias,
    inserted_at: chatTimestamp(c.insertedAt),
    updated_at: chatTimestamp(c.updatedAt),
  };
}

export function messageJson(m: Message): MessageJson {
  return {
    id: m.id,
    sender: m.senderId,
    content: m.content,
    inserted_at: chatTimestamp(m.insertedAt),
    updated_at: chatTimestamp(m.updatedAt),
  };
}
