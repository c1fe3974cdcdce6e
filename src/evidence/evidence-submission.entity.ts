import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Completion } from '../completions/completion.entity';
import { Level } from '../levels/level.entity';
import { Staff } from '../staff/staff.entity';

export const EVIDENCE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

/**
 * A certificate of training done elsewhere, sent by the person from My training, waiting for a
 * coordinator. The file is kept in EVIDENCE_DIR under `storedName`, never under a web path.
 */
@Entity('evidence_submissions')
@Index('ix_evidence_submissions_status', ['status', 'id'])
export class EvidenceSubmission {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_evidence_submissions_staff')
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

  /** The file's name as uploaded, for showing only (never used as a path). */
  @Column({ type: 'varchar', length: 255 })
  originalName: string;

  /** The file's name in EVIDENCE_DIR: random, chosen by the tracker. */
  @Column({ type: 'varchar', length: 100 })
  storedName: string;

  /** The type found from the file's content: application/pdf, image/png or image/jpeg. */
  @Column({ type: 'varchar', length: 40 })
  contentType: string;

  @Column({ type: 'integer' })
  sizeBytes: number;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: EvidenceStatus;

  /** Why it was rejected, as the coordinator wrote it (sent to the person). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'integer', nullable: true })
  completionId: number | null;

  @ManyToOne(() => Completion, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'completion_id' })
  completion?: Completion | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  decidedBy: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  decidedAt: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
