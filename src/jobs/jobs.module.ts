import { Global, Module } from '@nestjs/common';
import { JobLeases } from './job-leases';
import { Scheduler } from './scheduler';

/** Scheduled jobs that run once across servers (job_leases). Features add their jobs to the Scheduler. */
@Global()
@Module({
  providers: [JobLeases, Scheduler],
  exports: [JobLeases, Scheduler],
})
export class JobsModule {}
