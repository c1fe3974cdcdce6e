import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Level } from '../levels/level.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Staff } from '../staff/staff.entity';

export const SESSION_STATUSES = ['scheduled', 'delivered', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A WRAP workshop (L2) or train-the-trainer course (L3); L1 e-learning has no sessions. */
@Entity('training_sessions')
@Index('ix_session_host_start', ['hostOrganisationId', 'startsAt'])
@Index('ix_session_level_start', ['levelId', 'startsAt'])
export class TrainingSession {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  levelId: number;

  @ManyToOne(() => Level, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'level_id' })
  level: Level;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** Local (UK) wall-clock time, "YYYY-MM-DDTHH:MM": sorts and compares as text. */
  @Column({ type: 'varchar', length: 16 })
  startsAt: string;

  @Column({ type: 'varchar', length: 16 })
  endsAt: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  venue: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  onlineLink: string | null;

  @Column({ type: 'integer' })
  hostOrganisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'host_organisation_id' })
  hostOrganisation: Organisation;

  @Column({ type: 'integer' })
  capacity: number;

  @Column({ type: 'varchar', length: 12, default: 'scheduled' })
  status: SessionStatus;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** An L3 course may be run by someone outside the partnership (police Prevent team, Home Office). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  externalTrainer: string | null;

  @ManyToMany(() => Staff)
  @JoinTable({
    name: 'session_trainers',
    joinColumn: { name: 'session_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'staff_id', referencedColumnName: 'id' },
  })
  trainers: Staff[];

  /** Token in the anonymous feedback link; feedback closes at feedbackClosesAt. */
  @Index('uq_session_feedback_token', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  feedbackToken: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  feedbackClosesAt: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
