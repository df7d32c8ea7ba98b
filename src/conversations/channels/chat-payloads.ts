import { p, type PayloadIssue, type PayloadOf, type PayloadSchema } from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { ciphertexts, either, ENCRYPTED_MESSAGES } from './encrypted-payloads.js';

/**
 * The contract of every inbound chat event, in one place. Each payload is an object; `token`
 * is read by ChatChannelGuard (a bad one answers `invalid_token`, before any payload problem).
 * Strings are storable text (no U+0000, no lone surrogate) and lengths count characters.
 */
const chatEvent = <S extends Record<string, PayloadSchema<unknown>>>(shape: S) =>
  p.object({ token: p.unknown(), ...shape });

/** Message text: trimmed, 1 to 4000 characters. */
const text = () => p.string({ trim: true, min: 1, max: 4000 });
/** A conversation alias: required key; null or blank clears it; at most 100 characters. */
const alias = () => p.orNull(p.nullableString({ trim: true, max: 100 }));
/** The sender's idempotency key. */
const clientMsgId = () => p.nullable(p.string({ min: 1, max: 100 }));
/** Member lists are checked against the member limit by the service; this bounds the work. */
const MAX_IDS = 1000;

export const ChatPayloads = {
  // system:general
  setHidden: chatEvent({ hidden: p.boolean() }),
  setDisplayName: chatEvent({ display_name: p.string({ trim: true, min: 3, max: 20 }) }),
  startConversation: chatEvent({
    private: p.boolean(),
    user_ids: p.array(p.uuid(), { max: MAX_IDS }),
    message: text(),
    alias: p.nullable(p.nullableString({ trim: true, max: 100 })),
  }),
  /** Encrypted conversations (both keys are checked by the service: `invalid_key`). */
  startGroupConversation: chatEvent({
    user_ids: p.array(p.uuid(), { max: MAX_IDS }),
    public_key: p.record(),
    private_key: p.record(),
    alias: p.nullable(p.nullableString({ trim: true, max: 100 })),
  }),
  startPrivateConversation: chatEvent({
    other_user_id: p.uuid(),
    public_key: p.record(),
    private_key: p.record(),
  }),
  // conversation:{id}; send, edit and delete have a plain and an encrypted form.
  sendMessage: either(
    'encrypted_messages',
    chatEvent({ encrypted_messages: ciphertexts(), client_msg_id: clientMsgId() }),
    chatEvent({ content: text(), client_msg_id: clientMsgId() }),
  ),
  editMessage: either(
    'message_group_id',
    chatEvent({ message_group_id: p.uuid(), encrypted_messages: ciphertexts() }),
    chatEvent({ message_id: p.uuid(), content: text() }),
  ),
  deleteMessage: either(
    'message_group_id',
    chatEvent({ message_group_id: p.uuid() }),
    chatEvent({ message_id: p.uuid() }),
  ),
  setEncryptionKeys: chatEvent({ public_key: p.record(), private_key: p.record() }),
  /** start_typing, finish_typing, read_conversation, leave_conversation. */
  tokenOnly: chatEvent({}),
  changeAlias: chatEvent({ alias: alias() }),
  /** `new_alias` wins; the HEAD client sends `alias`. One of them is required. */
  modifyConversation: chatEvent({
    new_members: p.nullable(p.array(p.uuid(), { max: MAX_IDS }), [] as string[]),
    new_alias: p.optional(p.orNull(p.nullableString({ trim: true, max: 100 })), undefined),
    alias: p.optional(alias(), undefined),
  }),
};

export type SendMessagePayload = PayloadOf<typeof ChatPayloads.sendMessage>;
export type EditMessagePayload = PayloadOf<typeof ChatPayloads.editMessage>;
export type DeleteMessagePayload = PayloadOf<typeof ChatPayloads.deleteMessage>;
export type SetEncryptionKeysPayload = PayloadOf<typeof ChatPayloads.setEncryptionKeys>;
export type StartGroupConversationPayload = PayloadOf<typeof ChatPayloads.startGroupConversation>;
export type StartPrivateConversationPayload = PayloadOf<
  typeof ChatPayloads.startPrivateConversation
>;
export type StartConversationPayload = PayloadOf<typeof ChatPayloads.startConversation>;
export type ModifyConversationPayload = PayloadOf<typeof ChatPayloads.modifyConversation>;

/**
 * The chat error for a payload that failed its contract: `validation_failed` with Ecto-style
 * field errors for a display name, `invalid_user_ids` for a bad id in `user_ids`, else
 * `invalid_payload`. The first issue (in the schema's key order) decides.
 */
export function chatPayloadError(issues: PayloadIssue[]): ChatError {
  const [first] = issues;
  const [field, index] = first?.path ?? [];
  if (field === 'display_name') {
    return new ChatError('validation_failed', { errors: { display_name: [first.message] } });
  }
  if (field === 'user_ids' && typeof index === 'number') return new ChatError('invalid_user_ids');
  if (field === 'other_user_id') return new ChatError('invalid_user_ids');
  if (field === 'public_key' || field === 'private_key') return new ChatError('invalid_key');
  if (field === 'encrypted_messages' && index !== undefined) {
    if (first.message === ENCRYPTED_MESSAGES.recipient) return new ChatError('invalid_recipients');
    if (first.message === ENCRYPTED_MESSAGES.tooLarge) return new ChatError('ciphertext_too_large');
  }
  return new ChatError('invalid_payload');
}
