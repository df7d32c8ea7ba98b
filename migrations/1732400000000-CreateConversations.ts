import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Chat conversations, their members (with read markers) and messages. */
export class CreateConversations1732400000000 implements MigrationInterface {
  name = 'CreateConversations1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        private boolean NOT NULL DEFAULT false,
        alias text,
        -- "<smaller user id>:<larger user id>" for private conversations: one per pair of users.
        private_pair text,
        inserted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT conversations_private_pair_key UNIQUE (private_pair),
        CONSTRAINT conversations_private_has_pair CHECK (private = (private_pair IS NOT NULL)),
        CONSTRAINT conversations_private_no_alias CHECK (NOT private OR alias IS NULL),
        CONSTRAINT conversations_alias_length CHECK (char_length(alias) <= 100)
      )`);
    await queryRunner.query(`
      CREATE TABLE conversation_members (
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        last_read timestamptz,
        inserted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, user_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX conversation_members_user_idx ON conversation_members (user_id)',
    );
    await queryRunner.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        sender_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        content text NOT NULL,
        client_msg_id text,
        deleted_at timestamptz,
        inserted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT messages_content_length CHECK (char_length(content) BETWEEN 1 AND 4000),
        CONSTRAINT messages_client_msg_id_length CHECK (char_length(client_msg_id) <= 100)
      )`);
    await queryRunner.query(
      'CREATE INDEX messages_conversation_page_idx ON messages (conversation_id, inserted_at DESC, id DESC)',
    );
    await queryRunner.query(`
      CREATE UNIQUE INDEX messages_client_msg_id_key ON messages (conversation_id, sender_id, client_msg_id)
        WHERE client_msg_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE messages');
    await queryRunner.query('DROP TABLE conversation_members');
    await queryRunner.query('DROP TABLE conversations');
  }
}
