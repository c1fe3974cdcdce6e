import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { UserRole } from '../auth/scope';
import { Organisation } from '../organisations/organisation.entity';

/** An OpenID Connect provider added by an administrator for the whole partnership (OIDC_PROVIDERS adds others). */
@Entity('identity_providers')
export class IdentityProvider {
  @PrimaryGeneratedColumn()
  id: number;

  /** In the sign-in and callback addresses: /sign-in/oidc/{slug}. */
  @Index('uq_identity_providers_slug', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  slug: string;

  /** The button says "Sign in with {label}". */
  @Column({ type: 'varchar', length: 100 })
  label: string;

  @Column({ type: 'varchar', length: 500 })
  issuer: string;

  @Column({ type: 'varchar', length: 255 })
  clientId: string;

  /** Never logged, never shown back on a page or in the API. */
  @Column({ type: 'text' })
  clientSecret: string;

  /** Email domains the provider speaks for, comma-separated ('' for none). */
  @Column({ type: 'text' })
  domains: string;

  /** Accounts at those domains must sign in through the provider, never with a password. */
  @Column({ type: 'boolean', default: false })
  passwordsOff: boolean;

  /** Unknown people are given an account with the default role and organisation. */
  @Column({ type: 'boolean', default: false })
  createAccounts: boolean;

  @Column({ type: 'varchar', length: 20, nullable: true })
  defaultRole: UserRole | null;

  @Column({ type: 'integer', nullable: true })
  defaultOrganisationId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'default_organisation_id' })
  defaultOrganisation?: Organisation | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
