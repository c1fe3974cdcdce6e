import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organisation } from '../../organisations/organisation.entity';

/** Where reported concerns came from (Warwickshire 3.6). */
export const CONCERN_SOURCES = ['education', 'health', 'localAuthority', 'police', 'community', 'other'] as const;
export type ConcernSource = (typeof CONCERN_SOURCES)[number];

export const CONCERN_SOURCE_NAMES: Record<ConcernSource, string> = {
  education: 'Education',
  health: 'Health',
  localAuthority: 'Local authority',
  police: 'Police',
  community: 'Community',
  other: 'Other',
};

/**
 * One organisation's impact figures for one quarter of a financial year: counts of concerns
 * reported, by source, and of Channel referrals. Counts only: the tracker never stores who.
 */
@Entity('impact_figures')
@Index('uq_impact_organisation_quarter', ['organisationId', 'year', 'quarter'], { unique: true })
export class ImpactFigure {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation: Organisation;

  /** The year the financial year starts (2025 = 2025/26). */
  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  quarter: number;

  @Column({ type: 'integer' })
  concernsEducation: number;

  @Column({ type: 'integer' })
  concernsHealth: number;

  @Column({ type: 'integer' })
  concernsLocalAuthority: number;

  @Column({ type: 'integer' })
  concernsPolice: number;

  @Column({ type: 'integer' })
  concernsCommunity: number;

  @Column({ type: 'integer' })
  concernsOther: number;

  @Column({ type: 'integer' })
  channelReferrals: number;

  @Column({ type: 'varchar', length: 254, nullable: true })
  recordedBy: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
