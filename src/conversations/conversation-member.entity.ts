import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'conversation_members' })
export class ConversationMember {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The member's read marker. */
  @Column({ name: 'last_read', type: 'timestamptz', nullable: true })
  lastRead: Date | null;
}
