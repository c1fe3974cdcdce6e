import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Staff } from '../staff/staff.entity';

/** A single-use link that signs a person without an account in to My training. Only the token's SHA-256 is kept. */
@Entity('sign_in_links')
@Index('ix_sign_in_links_staff', ['staffId', 'createdAt'])
export class SignInLink {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  staffId: number;

  @ManyToOne(() => Staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id' })
  staff?: Staff;

  @Index('uq_sign_in_links_token', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** ISO instants as text: they compare as text on both databases. */
  @Column({ type: 'varchar', length: 24 })
  expiresAt: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  usedAt: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
