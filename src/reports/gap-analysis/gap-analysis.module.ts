import { Module } from '@nestjs/common';
import { ComplianceModule } from '../../compliance/compliance.module';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { RolesModule } from '../../roles/roles.module';
import { TargetsModule } from '../targets/targets.module';
import { ComplianceFigures, GapAnalysisComplianceFigures } from '../shared/compliance-figures';
import { GapAnalysisController } from './gap-analysis.controller';
import { GapAnalysisPagesController } from './gap-analysis.pages.controller';
import { GapAnalysisService } from './gap-analysis.service';

/** The gap analysis, and the compliance figures other reports take from its fast path. */
@Module({
  imports: [ComplianceModule, OrganisationsModule, RolesModule, TargetsModule],
  controllers: [GapAnalysisController, GapAnalysisPagesController],
  providers: [GapAnalysisService, { provide: ComplianceFigures, useClass: GapAnalysisComplianceFigures }],
  exports: [GapAnalysisService, ComplianceFigures],
})
export class GapAnalysisModule {}
