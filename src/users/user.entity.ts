import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { UserRole } from '../auth/scope';
import { Organisation } from '../organisations/organisation.entity';
import { Staff } from '../staff/staff.entity';

/** Someone who signs in: a coordinator, trainer, manager, viewer or administrator. */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  displayName: string;

  /** argon2id hash. */
  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 20 })
  role: UserRole;

  /** The organisation subtree the user is limited to; empty only for an administrator of everything. */
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation | null;

  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @ManyToOne(() => Staff, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'staff_id' })
  staff?: Staff | null;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ type: 'integer', default: 0 })
  failedAttempts: number;

  /** ISO timestamp until which sign-in is refused after repeated failures. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  lockedUntil: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  lastSignInAt: string | null;

  /** Base32 secret of the authenticator app (TOTP); set once confirmed with a code. Never logged or shown again. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  totpSecret: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  totpEnabledAt: string | null;

  /** The last TOTP time step accepted, so a code is never accepted twice. */
  @Column({ type: 'integer', nullable: true })
  totpLastStep: number | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
