import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** An account's identity at a provider: the issuer and subject of its ID tokens, stored at the first sign-in. */
@Entity('user_identities')
@Index('uq_user_identities_subject', ['issuer', 'subject'], { unique: true })
export class UserIdentity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_user_identities_user')
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 500 })
  issuer: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @CreateDateColumn()
  createdAt: Date;
}
