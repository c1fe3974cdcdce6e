import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Staff } from '../staff/staff.entity';
import { TrainingSession } from './training-session.entity';

/** One attendee's evaluation of a session; staffId is empty when given anonymously. */
@Entity('session_feedback')
export class SessionFeedback {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_feedback_session')
  @Column({ type: 'integer' })
  sessionId: number;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session: TrainingSession;

  // Feedback a person signed, found when they are anonymised (src/data-protection).
  @Index('ix_feedback_staff')
  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @ManyToOne(() => Staff, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'staff_id' })
  staff?: Staff | null;

  @Column({ type: 'integer' })
  overallRating: number;

  @Column({ type: 'integer', nullable: true })
  recogniseBefore: number | null;

  @Column({ type: 'integer', nullable: true })
  recogniseAfter: number | null;

  @Column({ type: 'integer', nullable: true })
  referBefore: number | null;

  @Column({ type: 'integer', nullable: true })
  referAfter: number | null;

  @Column({ type: 'text', nullable: true })
  comments: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
