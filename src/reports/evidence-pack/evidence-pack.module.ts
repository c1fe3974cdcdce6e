import { Module } from '@nestjs/common';
import { ComplianceModule } from '../../compliance/compliance.module';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { GapAnalysisModule } from '../gap-analysis/gap-analysis.module';
import { LeadCoverageModule } from '../lead-coverage/lead-coverage.module';
import { ReportsSharedModule } from '../shared/reports-shared.module';
import { ViewRenderer } from '../shared/view-renderer';
import { TargetsModule } from '../targets/targets.module';
import { EvidencePackController, EvidencePackPagesController } from './evidence-pack.controller';
import { EvidencePackService } from './evidence-pack.service';

/** The inspection evidence pack of one organisation, as a page and a tagged PDF. */
@Module({
  imports: [ComplianceModule, OrganisationsModule, GapAnalysisModule, LeadCoverageModule, TargetsModule, ReportsSharedModule],
  controllers: [EvidencePackController, EvidencePackPagesController],
  providers: [EvidencePackService, ViewRenderer],
})
export class EvidencePackModule {}
