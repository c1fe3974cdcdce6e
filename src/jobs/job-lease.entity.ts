import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who runs a named job now: a server holds the lease until leaseUntil (ISO instant as text), so a job runs once across servers. */
@Entity('job_leases')
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  holder: string;

  @Column({ type: 'varchar', length: 24 })
  leaseUntil: string;

  /** When the job last finished a run (ISO instant), so an interval is kept across restarts and servers. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  lastRunAt: string | null;
}
