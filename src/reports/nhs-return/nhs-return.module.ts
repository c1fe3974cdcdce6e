import { Module } from '@nestjs/common';
import { ComplianceModule } from '../../compliance/compliance.module';
import { GapAnalysisModule } from '../gap-analysis/gap-analysis.module';
import { ImpactModule } from '../impact/impact.module';
import { LeadCoverageModule } from '../lead-coverage/lead-coverage.module';
import { NhsReturnController } from './nhs-return.controller';
import { NhsReturnPagesController } from './nhs-return.pages.controller';
import { NhsReturnService } from './nhs-return.service';

/** The NHS England quarterly Prevent return of a health organisation, and its level mapping. */
@Module({
  imports: [ComplianceModule, GapAnalysisModule, ImpactModule, LeadCoverageModule],
  controllers: [NhsReturnController, NhsReturnPagesController],
  providers: [NhsReturnService],
  exports: [NhsReturnService],
})
export class NhsReturnModule {}
