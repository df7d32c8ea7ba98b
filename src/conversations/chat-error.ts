/** Reasons the chat channels answer with: `{"status":"error","response":{"reason":…}}`. */
export type ChatErrorCode =
  | 'invalid_payload'
  | 'invalid_token'
  | 'unknown_event'
  | 'unauthorized'
  | 'no_conversation'
  | 'not_a_member'
  | 'incorrect_num_users'
  | 'invalid_user_ids'
  | 'invalid_ids'
  | 'users_not_found'
  | 'already_members'
  | 'too_many_members'
  | 'private_conversation'
  | 'not_found'
  | 'forbidden'
  | 'validation_failed'
  // encrypted conversations
  | 'encrypted_conversation'
  | 'plain_conversation'
  | 'conversation_already_exists'
  | 'invalid_key'
  | 'keys_already_set'
  | 'key_unavailable'
  | 'not_enough_recipients'
  | 'too_many_recipients'
  | 'invalid_recipients'
  | 'ciphertext_too_large';

/** The chat product's domain error; the channel layer turns it into an error reply. */
export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(code);
    this.name = 'ChatError';
  }

  toChannelReply(): { status: string; response: unknown } {
    return { status: 'error', response: { reason: this.code, ...this.details } };
  }
}
