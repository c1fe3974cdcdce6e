import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** A one-time recovery code for the second factor, stored as salt$sha256 (the code has 80 random bits). */
@Entity('recovery_codes')
export class RecoveryCode {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_recovery_codes_user')
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 100 })
  codeHash: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  usedAt: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
