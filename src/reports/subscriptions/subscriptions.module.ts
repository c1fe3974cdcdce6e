import { Module, OnModuleInit } from '@nestjs/common';
import { Scheduler } from '../../jobs/scheduler';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { NhsReturnModule } from '../nhs-return/nhs-return.module';
import { TrendModule } from '../trend/trend.module';
import { WorkingGroupPackModule } from '../working-group-pack/working-group-pack.module';
import { ReportDeliveries } from './report-deliveries';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsPagesController } from './subscriptions.pages.controller';
import { SubscriptionsService } from './subscriptions.service';

const HOUR = 60 * 60_000;

/** Scheduled delivery of reports by email, through the outbox. */
@Module({
  imports: [OrganisationsModule, NhsReturnModule, TrendModule, WorkingGroupPackModule],
  controllers: [SubscriptionsController, SubscriptionsPagesController],
  providers: [SubscriptionsService, ReportDeliveries],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule implements OnModuleInit {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  onModuleInit(): void {
    // Hourly, on one server at a time: each delivery's key makes a second run (or server) write nothing.
    this.scheduler.add({ name: 'report-subscriptions', everyMs: HOUR, once: true, run: (now) => this.subscriptions.run(now) });
  }
}
