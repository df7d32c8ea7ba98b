import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const TOKEN_PURPOSES = [
  'refresh',
  'email_confirmation',
  'email_change',
  'password_reset',
] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** A single-purpose token; only its SHA-256 is stored. */
@Entity({ name: 'user_tokens' })
export class UserToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  purpose: TokenPurpose;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  /** Set when a refresh token is rotated: the row stays until it expires, so that presenting
   * it again is recognised: within REFRESH_REUSE_INTERVAL_MS of this instant it is answered
   * with its successor, later it is reuse (which revokes every refresh token of the user). */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'inserted_at', type: 'timestamptz', insert: false, update: false })
  insertedAt: Date;
}
