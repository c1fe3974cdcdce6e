import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { GapAnalysisModule } from '../gap-analysis/gap-analysis.module';
import { NeedsAnalysisController } from './needs-analysis.controller';
import { NeedsAnalysisPagesController } from './needs-analysis.pages.controller';
import { NeedsAnalysisService } from './needs-analysis.service';

/** The needs analysis: who needs each level now and in the horizon, and the WRAP sessions and trainers that takes. */
@Module({
  imports: [OrganisationsModule, GapAnalysisModule],
  controllers: [NeedsAnalysisController, NeedsAnalysisPagesController],
  providers: [NeedsAnalysisService],
})
export class NeedsAnalysisModule {}
