import type { RealtimeEndpoint } from '../../realtime/index.js';
import { conversationJson } from '../chat-json.js';
import type { Conversation } from '../conversation.entity.js';

/** `new_conversation {conversation, user_ids}` to every member's `user:` topic. */
export function announceConversation(
  realtime: RealtimeEndpoint,
  conversation: Conversation,
  memberIds: string[],
): void {
  const payload = { conversation: conversationJson(conversation), user_ids: memberIds };
  for (const id of memberIds) realtime.broadcast(`user:${id}`, 'new_conversation', payload);
}
