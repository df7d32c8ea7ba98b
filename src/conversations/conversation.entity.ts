import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'conversations' })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'boolean' })
  private: boolean;

  @Column({ type: 'text', nullable: true })
  alias: string | null;

  /** `<smaller id>:<larger id>` for private conversations, so each pair has at most one. */
  @Column({ name: 'private_pair', type: 'text', nullable: true })
  privatePair: string | null;

  @Column({ name: 'inserted_at', type: 'timestamptz', insert: false, update: false })
  insertedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
