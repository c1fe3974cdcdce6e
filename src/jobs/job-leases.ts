import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobLease } from './job-lease.entity';

/**
 * Leases on named jobs, so a job runs on one server at a time and once per interval across all of
 * them: taking a lease is one UPDATE that only one server can win (its lease has lapsed and the job
 * is due), so it works alike on SQLite and PostgreSQL.
 */
@Injectable()
export class JobLeases {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes the job for `holder` until now + leaseMs when it is free and last ran at least intervalMs ago. */
  async take(name: string, holder: string, leaseMs: number, intervalMs: number, now = new Date()): Promise<boolean> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(JobLease)
      .values({ name, holder: '', leaseUntil: new Date(0).toISOString(), lastRunAt: null })
      .orIgnore()
      .updateEntity(false)
      .callListeners(false)
      .execute();
    const result = await this.dataSource
      .createQueryBuilder()
      .update(JobLease)
      .set({ holder, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() })
      .where('name = :name AND lease_until < :now', { name, now: now.toISOString() })
      .andWhere('(last_run_at IS NULL OR last_run_at <= :due)', { due: new Date(now.getTime() - intervalMs).toISOString() })
      .updateEntity(false)
      .callListeners(false)
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Gives the lease back after a run; `ran` records the run so the next is due an interval later. */
  async release(name: string, holder: string, ran: boolean, now = new Date()): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(JobLease)
      .set(ran ? { leaseUntil: new Date(0).toISOString(), lastRunAt: now.toISOString() } : { leaseUntil: new Date(0).toISOString() })
      .where('name = :name AND holder = :holder', { name, holder })
      .updateEntity(false)
      .callListeners(false)
      .execute();
  }
}
