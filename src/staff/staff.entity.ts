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
import { Organisation } from '../organisations/organisation.entity';
import { Role } from '../roles/role.entity';

/** A person whose training is tracked: employee, contractor, volunteer, councillor, governor. */
@Entity('staff')
@Index('uq_staff_employer_ref', ['employerId', 'employeeRef'], { unique: true })
// Expression indexes for the person search (migration 1763900001750): TypeORM leaves them be.
@Index('ix_staff_first_name_lower', { synchronize: false })
@Index('ix_staff_last_name_lower', { synchronize: false })
@Index('ix_staff_employee_ref_lower', { synchronize: false })
@Index('ix_staff_email_lower', { synchronize: false })
// The staff list's order, and the staff search's trigram indexes on PostgreSQL (migration 1763900002200).
@Index('ix_staff_list_order', ['lastName', 'firstName', 'id'])
@Index('ix_staff_name_trgm', { synchronize: false })
@Index('ix_staff_email_trgm', { synchronize: false })
@Index('ix_staff_employee_ref_trgm', { synchronize: false })
// Leavers not yet anonymised, by end date: the daily retention run (src/data-protection).
@Index('ix_staff_retention', ['anonymisedReason', 'endDate'])
export class Staff {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 60 })
  employeeRef: string;

  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  @Index('ix_staff_email')
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Index('ix_staff_organisation')
  @Column({ type: 'integer' })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation: Organisation;

  /** The employing body (nearest employer up the tree, else the root): scope of employeeRef. */
  @Column({ type: 'integer' })
  employerId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'employer_id' })
  employer?: Organisation;

  @Index('ix_staff_manager')
  @Column({ type: 'integer', nullable: true })
  managerId: number | null;

  @ManyToOne(() => Staff, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Staff | null;

  /** ISO YYYY-MM-DD: a calendar date, never a timestamp. */
  @Column({ type: 'varchar', length: 10 })
  startDate: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  endDate: string | null;

  /** When the person's details were removed (ISO instant), by the retention policy or on request (src/data-protection). */
  @Column({ type: 'varchar', length: 24, nullable: true })
  anonymisedAt: string | null;

  /** 'retention', 'erasure', or 'erasure-trainer-name-kept' (named as the trainer of sessions still kept). */
  @Column({ type: 'varchar', length: 30, nullable: true })
  anonymisedReason: string | null;

  /** HR columns from staff imports, read by the role rules (src/imports/role-rules.ts). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  jobTitle: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  position: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  staffGroup: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  department: string | null;

  @ManyToMany(() => Role)
  @JoinTable({
    name: 'staff_roles',
    joinColumn: { name: 'staff_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'role_id', referencedColumnName: 'id' },
  })
  roles: Role[];

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
