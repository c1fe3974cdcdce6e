import { Injectable, OnModuleInit } from '@nestjs/common';
import { Scope } from '../auth/scope';
import { Scheduler } from '../jobs/scheduler';
import { RetentionService } from './retention.service';

const DAY = 24 * 60 * 60_000;

/** The daily retention run, on one server at a time across all of them (a lease in job_leases). */
@Injectable()
export class RetentionSchedule implements OnModuleInit {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly retention: RetentionService,
  ) {}

  onModuleInit(): void {
    this.scheduler.add({ name: 'retention', everyMs: DAY, once: true, run: (now) => this.retention.run(Scope.system(), 'scheduled', now) });
  }
}
