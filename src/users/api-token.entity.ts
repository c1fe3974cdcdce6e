import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';

/** A personal API token: shown once, stored only as a SHA-256 hash (it is 256 random bits). */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_api_tokens_user')
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('uq_api_tokens_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** The first characters, so a user can tell tokens apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  lastUsedAt: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  revokedAt: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
