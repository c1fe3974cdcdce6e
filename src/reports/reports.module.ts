import { Module } from '@nestjs/common';
import { AnnualModule } from './annual/annual.module';
import { GapAnalysisModule } from './gap-analysis/gap-analysis.module';
import { ImpactModule } from './impact/impact.module';
import { LeadCoverageModule } from './lead-coverage/lead-coverage.module';
import { NeedsAnalysisModule } from './needs-analysis/needs-analysis.module';
import { NhsReturnModule } from './nhs-return/nhs-return.module';
import { EvidencePackModule } from './evidence-pack/evidence-pack.module';
import { WorkingGroupPackModule } from './working-group-pack/working-group-pack.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { QuarterlyModule } from './quarterly/quarterly.module';
import { ReportsIndexPagesController } from './reports-index.pages.controller';
import { ReportsSharedModule } from './shared/reports-shared.module';
import { TargetsModule } from './targets/targets.module';
import { TrendModule } from './trend/trend.module';
import { TrainerCoverageModule } from './trainer-coverage/trainer-coverage.module';

/** Every report, one module each (src/reports/<report>/), and the page that lists them. */
@Module({
  imports: [
    ReportsSharedModule,
    GapAnalysisModule,
    QuarterlyModule,
    AnnualModule,
    ImpactModule,
    NeedsAnalysisModule,
    TrainerCoverageModule,
    LeadCoverageModule,
    NhsReturnModule,
    EvidencePackModule,
    WorkingGroupPackModule,
    SubscriptionsModule,
    TargetsModule,
    TrendModule,
  ],
  controllers: [ReportsIndexPagesController],
})
export class ReportsModule {}
