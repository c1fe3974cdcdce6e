import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { GapAnalysisModule } from '../gap-analysis/gap-analysis.module';
import { TargetsModule } from '../targets/targets.module';
import { TrendController } from './trend.controller';
import { TrendPagesController } from './trend.pages.controller';
import { TrendService } from './trend.service';

/** Compliance % at each quarter end over a run of quarters, from the gap analysis: service, page, chart, downloads, API. */
@Module({
  imports: [GapAnalysisModule, TargetsModule, OrganisationsModule],
  controllers: [TrendController, TrendPagesController],
  providers: [TrendService],
  exports: [TrendService],
})
export class TrendModule {}
