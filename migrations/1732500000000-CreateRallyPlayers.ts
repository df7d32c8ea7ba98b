import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stamp-rally players (their own table, not the chat users). */
export class CreateRallyPlayers1732500000000 implements MigrationInterface {
  name = 'CreateRallyPlayers1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rally_players (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        nickname text,
        stamps_collected bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rally_players_stamps_non_negative CHECK (stamps_collected >= 0),
        CONSTRAINT rally_players_nickname_length CHECK (char_length(nickname) BETWEEN 3 AND 20)
      )`);
    await queryRunner.query(
      'CREATE INDEX rally_players_leaderboard_idx ON rally_players (stamps_collected DESC, nickname)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE rally_players');
  }
}
