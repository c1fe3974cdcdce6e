import { Module } from '@nestjs/common';
import { GapAnalysisModule } from '../gap-analysis/gap-analysis.module';
import { TargetsModule } from '../targets/targets.module';
import { TrendService } from './trend.service';

/** Compliance % at each quarter end over a run of quarters, from the gap analysis. */
@Module({
  imports: [GapAnalysisModule, TargetsModule],
  providers: [TrendService],
  exports: [TrendService],
})
export class TrendModule {}
