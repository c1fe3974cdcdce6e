import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Staff } from '../staff/staff.entity';
import { TrainingSession } from './training-session.entity';

export const BOOKING_STATUSES = ['booked', 'waiting', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const ATTENDANCE = ['attended', 'no_show'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

/** A place on a session; walk-ins are bookings made at the register. */
@Entity('bookings')
@Index('uq_booking_session_person', ['sessionId', 'staffId'], { unique: true })
export class Booking {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  sessionId: number;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session: TrainingSession;

  @Index('ix_booking_staff')
  @Column({ type: 'integer' })
  staffId: number;

  @ManyToOne(() => Staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id' })
  staff: Staff;

  @Column({ type: 'varchar', length: 12 })
  status: BookingStatus;

  @Column({ type: 'varchar', length: 12, nullable: true })
  attendance: Attendance | null;

  @Column({ type: 'boolean', default: false })
  walkIn: boolean;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
