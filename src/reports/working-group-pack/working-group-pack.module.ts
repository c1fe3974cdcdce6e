import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { LeadCoverageModule } from '../lead-coverage/lead-coverage.module';
import { QuarterlyModule } from '../quarterly/quarterly.module';
import { ReportsSharedModule } from '../shared/reports-shared.module';
import { ViewRenderer } from '../shared/view-renderer';
import { TrendModule } from '../trend/trend.module';
import { WorkingGroupPackController, WorkingGroupPackPagesController } from './working-group-pack.controller';
import { WorkingGroupPackService } from './working-group-pack.service';

/** The Prevent Working Group pack for a quarter: quarterly report, trend and exceptions. */
@Module({
  imports: [OrganisationsModule, QuarterlyModule, TrendModule, LeadCoverageModule, ReportsSharedModule],
  controllers: [WorkingGroupPackController, WorkingGroupPackPagesController],
  providers: [WorkingGroupPackService, ViewRenderer],
  exports: [WorkingGroupPackService, ViewRenderer],
})
export class WorkingGroupPackModule {}
