import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'conversations' })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'boolean' })
  private: boolean;

  @Column({ type: 'text', nullable: true })
  alias: string | null;

  /** Started with start_group_conversation or start_private_conversation (keys, ciphertexts). */
  @Column({ type: 'boolean', default: false })
  encrypted: boolean;

  /** `<smaller id>:<larger id>` for plain private conversations, `e2e:<smaller>:<larger>` for
   * encrypted ones: each pair has at most one of each. */
  @Column({ name: 'private_pair', type: 'text', nullable: true })
  privatePair: string | null;

  @Column({ name: 'inserted_at', type: 'timestamptz', insert: false, update: false })
  insertedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
