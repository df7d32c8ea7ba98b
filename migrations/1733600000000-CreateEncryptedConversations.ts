import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encrypted conversations (docs/chat.md, "Encrypted conversations"): a flag on conversations
 * (false for every existing row), each member's key pair per conversation (the private key only
 * sealed with KEY_VAULT_SECRET) and messages as groups of one ciphertext per recipient. Plain
 * conversations and messages are untouched.
 */
export class CreateEncryptedConversations1733600000000 implements MigrationInterface {
  name = 'CreateEncryptedConversations1733600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A constant default: existing rows are not rewritten, and they stay plain.
    await queryRunner.query(
      'ALTER TABLE conversations ADD COLUMN encrypted boolean NOT NULL DEFAULT false',
    );
    await queryRunner.query(`
      CREATE TABLE conversation_keys (
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        -- The public JWK (kty, alg, n, e): public by nature, kept in clear.
        public_key jsonb NOT NULL,
        -- The private JWK, AES-256-GCM under KEY_VAULT_SECRET: version, nonce, tag, ciphertext.
        private_key_sealed bytea NOT NULL,
        inserted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, user_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX conversation_keys_user_idx ON conversation_keys (user_id)',
    );
    await queryRunner.query(`
      CREATE TABLE message_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        sender_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_msg_id text,
        deleted_at timestamptz,
        inserted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT message_groups_client_msg_id_length CHECK (char_length(client_msg_id) <= 100)
      )`);
    await queryRunner.query(
      'CREATE INDEX message_groups_conversation_page_idx ON message_groups (conversation_id, inserted_at DESC, id DESC)',
    );
    await queryRunner.query(`
      CREATE UNIQUE INDEX message_groups_client_msg_id_key
        ON message_groups (conversation_id, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL`);
    await queryRunner.query('CREATE INDEX message_groups_sender_idx ON message_groups (sender_id)');
    await queryRunner.query(`
      CREATE TABLE encrypted_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_group_id uuid NOT NULL REFERENCES message_groups (id) ON DELETE CASCADE,
        recipient_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        -- Base64 of the recipient's RSA-OAEP ciphertext (at most 8 KiB of text).
        content text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT encrypted_messages_content_length CHECK (octet_length(content) BETWEEN 1 AND 8192),
        CONSTRAINT encrypted_messages_one_per_recipient UNIQUE (message_group_id, recipient_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX encrypted_messages_recipient_idx ON encrypted_messages (recipient_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE encrypted_messages');
    await queryRunner.query('DROP TABLE message_groups');
    await queryRunner.query('DROP TABLE conversation_keys');
    await queryRunner.query('ALTER TABLE conversations DROP COLUMN encrypted');
  }
}
