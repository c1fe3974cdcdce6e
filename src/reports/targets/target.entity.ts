import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type ValueTransformer } from 'typeorm';
import { Level } from '../../levels/level.entity';
import { Organisation } from '../../organisations/organisation.entity';

/** Percentages are kept in whole tenths, so 87.5% is stored exactly on both databases (no float column). */
const TENTHS: ValueTransformer = {
  to: (percent: number | null | undefined) => (percent === null || percent === undefined ? percent : Math.round(percent * 10)),
  from: (tenths: number | string | null) => (tenths === null ? null : Number(tenths) / 10),
};

/** Where a target applies: everywhere (the partnership's default), to one sector, or to one organisation's subtree. */
export type TargetReach = 'partnership' | 'sector' | 'organisation';

/**
 * A level's target compliance % (DOMAIN.md "Other frameworks and targets"): green at or above
 * `targetPercent`, amber within `amberMargin` points below it, red below that. One row per level
 * and reach: `reachKey` is 'partnership', 'sector:<sector>' or 'organisation:<id>', so the unique
 * index holds on both databases (a unique index over nullable columns does not in PostgreSQL).
 */
@Entity('targets')
@Index('uq_targets_level_reach', ['levelId', 'reachKey'], { unique: true })
export class Target {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  levelId: number;

  @ManyToOne(() => Level, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'level_id' })
  level: Level;

  @Column({ type: 'varchar', length: 60 })
  reachKey: string;

  /** Set for a sector's target only. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  sector: string | null;

  /** Set for an organisation's target only (it applies to everything below it too). */
  @Index('ix_targets_organisation')
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation: Organisation | null;

  @Column({ name: 'target_tenths', type: 'integer', transformer: TENTHS })
  targetPercent: number;

  @Column({ name: 'amber_margin_tenths', type: 'integer', transformer: TENTHS })
  amberMargin: number;

  @Column({ type: 'varchar', length: 254, nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn()
  updatedAt: Date;
}

export function reachKeyOf(reach: TargetReach, at: { sector?: string | null; organisationId?: number | null }): string {
  if (reach === 'sector') return `sector:${at.sector}`;
  if (reach === 'organisation') return `organisation:${at.organisationId}`;
  return 'partnership';
}
