import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organisation } from '../../organisations/organisation.entity';

/** The reports that can be emailed on a schedule. */
export const SUBSCRIBABLE_REPORTS = ['working-group-pack', 'nhs-return', 'trend'] as const;
export type SubscribableReport = (typeof SUBSCRIBABLE_REPORTS)[number];

export const REPORT_NAMES: Record<SubscribableReport, string> = {
  'working-group-pack': 'Prevent Working Group pack',
  'nhs-return': 'NHS Prevent quarterly return',
  trend: 'Compliance trend',
};

export const FREQUENCIES = ['quarterly', 'monthly', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const FREQUENCY_NAMES: Record<Frequency, string> = {
  quarterly: 'When each quarter closes',
  monthly: 'Monthly',
  weekly: 'Weekly',
};

/**
 * A list of addresses a report for one organisation is emailed to: when each quarter closes, or
 * weekly or monthly, always with the figures of the last closed quarter.
 */
@Entity('report_subscriptions')
export class ReportSubscription {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_report_subscriptions_organisation')
  @Column({ type: 'integer' })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation: Organisation;

  @Column({ type: 'varchar', length: 30 })
  report: SubscribableReport;

  @Column({ type: 'varchar', length: 12 })
  frequency: Frequency;

  /** The addresses, as a JSON list. */
  @Column({ type: 'text' })
  recipients: string;

  @Column({ type: 'varchar', length: 254 })
  createdBy: string;

  /** The day it was made: a quarter that closed before it is not sent. */
  @Column({ type: 'varchar', length: 10 })
  createdOn: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
