import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Chat accounts: users, their profiles, and hashed single-purpose tokens. */
export class CreateAccounts1732300000000 implements MigrationInterface {
  name = 'CreateAccounts1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email citext NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        confirmed_at timestamptz,
        tokens_valid_after timestamptz NOT NULL DEFAULT now(),
        inserted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_email_length CHECK (char_length(email) <= 160),
        CONSTRAINT users_display_name_length CHECK (char_length(display_name) BETWEEN 3 AND 20)
      )`);
    await queryRunner.query('CREATE INDEX users_display_name_idx ON users (display_name)');
    await queryRunner.query(
      'CREATE INDEX users_inserted_at_id_idx ON users (inserted_at DESC, id DESC)',
    );
    await queryRunner.query(`
      CREATE TABLE user_profiles (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        hidden boolean NOT NULL DEFAULT false,
        theme text NOT NULL DEFAULT 'auto',
        magnification numeric(2, 1) NOT NULL DEFAULT 1.0,
        recents text[] NOT NULL DEFAULT '{}',
        inserted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT user_profiles_theme CHECK (theme IN ('auto', 'day', 'night')),
        CONSTRAINT user_profiles_magnification CHECK (magnification BETWEEN 0.7 AND 1.4),
        CONSTRAINT user_profiles_recents CHECK (cardinality(recents) <= 20)
      )`);
    await queryRunner.query(`
      CREATE TABLE user_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL,
        token_hash bytea NOT NULL,
        used_at timestamptz,
        expires_at timestamptz NOT NULL,
        inserted_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT user_tokens_purpose CHECK
          (purpose IN ('refresh', 'email_confirmation', 'email_change', 'password_reset')),
        CONSTRAINT user_tokens_purpose_hash_key UNIQUE (purpose, token_hash)
      )`);
    await queryRunner.query(
      'CREATE INDEX user_tokens_user_purpose_idx ON user_tokens (user_id, purpose)',
    );
    await queryRunner.query('CREATE INDEX user_tokens_expires_at_idx ON user_tokens (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE user_tokens');
    await queryRunner.query('DROP TABLE user_profiles');
    await queryRunner.query('DROP TABLE users');
  }
}
