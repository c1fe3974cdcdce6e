import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Staff } from '../staff/staff.entity';

/** A person's choice about optional messages; no row means they get them. Statutory reminders are always sent. */
@Entity('message_preferences')
export class MessagePreference {
  @PrimaryColumn({ type: 'integer' })
  staffId: number;

  @ManyToOne(() => Staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id' })
  staff?: Staff;

  @Column({ type: 'boolean', default: true })
  optionalMessages: boolean;

  @Column({ type: 'varchar', length: 24 })
  changedAt: string;
}
