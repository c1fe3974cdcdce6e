import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';
import { TrainingSession } from '../sessions/training-session.entity';
import { Staff } from '../staff/staff.entity';

/** An organisation (with everything below it) where a place asked for from My training waits for a manager's approval. */
@Entity('booking_approval_settings')
export class BookingApprovalSetting {
  @PrimaryColumn({ type: 'integer' })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'varchar', length: 254 })
  setBy: string;

  @Column({ type: 'varchar', length: 24 })
  setAt: string;
}

export const BOOKING_REQUEST_STATUSES = ['pending', 'approved', 'declined'] as const;
export type BookingRequestStatus = (typeof BOOKING_REQUEST_STATUSES)[number];

/** A place a person asked for from My training, waiting for a manager (not a booking until approved). */
@Entity('booking_requests')
@Index('ix_booking_requests_status', ['status', 'id'])
@Index('ix_booking_requests_staff', ['staffId', 'sessionId'])
export class BookingRequest {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  staffId: number;

  @ManyToOne(() => Staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id' })
  staff: Staff;

  @Column({ type: 'integer' })
  sessionId: number;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session: TrainingSession;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: BookingRequestStatus;

  /** The booking made when it was approved. */
  @Column({ type: 'integer', nullable: true })
  bookingId: number | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  decidedBy: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  decidedAt: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
