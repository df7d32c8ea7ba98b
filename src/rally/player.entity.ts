import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** bigint comes back from pg as a string; stamp counts fit a JS number. */
const bigint = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity({ name: 'rally_players' })
export class Player {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  nickname: string | null;

  @Column({ name: 'stamps_collected', type: 'bigint', transformer: bigint })
  stampsCollected: number;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
