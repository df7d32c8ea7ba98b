import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Extensions the schema relies on: case-insensitive text for email addresses. */
export class EnableExtensions1732240000000 implements MigrationInterface {
  name = 'EnableExtensions1732240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS citext');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP EXTENSION IF EXISTS citext');
  }
}
