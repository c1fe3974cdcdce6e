import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { GapAnalysisModule } from '../gap-analysis/gap-analysis.module';
import { ImpactModule } from '../impact/impact.module';
import { ReportsSharedModule } from '../shared/reports-shared.module';
import { TargetsModule } from '../targets/targets.module';
import { QuarterlyController } from './quarterly.controller';
import { QuarterlyPagesController } from './quarterly.pages.controller';
import { QuarterlyService } from './quarterly.service';

/** Quarterly take-up for the Prevent Working Group (its pages also show the annual report). */
@Module({
  imports: [OrganisationsModule, GapAnalysisModule, ImpactModule, ReportsSharedModule, TargetsModule],
  controllers: [QuarterlyController, QuarterlyPagesController],
  providers: [QuarterlyService],
  exports: [QuarterlyService],
})
export class QuarterlyModule {}
