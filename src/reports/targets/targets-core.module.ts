import { Module } from '@nestjs/common';
import { ReportTargets } from './report-targets';
import { TargetsService } from './targets.service';

/** The targets service alone (no pages), for features below the reports (My team) without a cycle of modules. */
@Module({
  providers: [TargetsService, ReportTargets],
  exports: [TargetsService, ReportTargets],
})
export class TargetsCoreModule {}
