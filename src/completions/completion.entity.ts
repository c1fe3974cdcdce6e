import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Level } from '../levels/level.entity';
import { TrainingSession } from '../sessions/training-session.entity';
import { Staff } from '../staff/staff.entity';

export const COMPLETION_SOURCES = ['session', 'elearning', 'manual', 'external', 'import', 'evidence'] as const;
export type CompletionSource = (typeof COMPLETION_SOURCES)[number];

/** A person completed a level on a date. */
@Entity('completions')
@Index('uq_completion_person_level_date', ['staffId', 'levelId', 'completedOn'], { unique: true })
@Index('ix_completion_level_date', ['levelId', 'completedOn'])
export class Completion {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  staffId: number;

  @ManyToOne(() => Staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id' })
  staff: Staff;

  @Column({ type: 'integer' })
  levelId: number;

  @ManyToOne(() => Level, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'level_id' })
  level: Level;

  @Column({ type: 'varchar', length: 10 })
  completedOn: string;

  @Column({ type: 'varchar', length: 20 })
  source: CompletionSource;

  @Column({ type: 'text', nullable: true })
  evidence: string | null;

  @Index('ix_completion_session')
  @Column({ type: 'integer', nullable: true })
  sessionId: number | null;

  @ManyToOne(() => TrainingSession, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession | null;

  /** Who recorded it (a user's email, or the import/system that did). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  recordedBy: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
