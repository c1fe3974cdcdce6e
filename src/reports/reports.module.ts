import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module';
import { ImpactController } from './impact/impact.controller';
import { ImpactPagesController } from './impact/impact.pages.controller';
import { ImpactService } from './impact/impact.service';
import { AnnualController } from './annual/annual.controller';
import { GapAnalysisController } from './gap-analysis/gap-analysis.controller';
import { GapAnalysisPagesController } from './gap-analysis/gap-analysis.pages.controller';
import { GapAnalysisService } from './gap-analysis/gap-analysis.service';
import { ComplianceFigures, GapAnalysisComplianceFigures } from './shared/compliance-figures';
import { LeadCoverageController } from './lead-coverage/lead-coverage.controller';
import { LeadCoverageCsvController, LeadCoveragePagesController } from './lead-coverage/lead-coverage.pages.controller';
import { LeadCoverageService } from './lead-coverage/lead-coverage.service';
import { NeedsAnalysisController } from './needs-analysis/needs-analysis.controller';
import { NeedsAnalysisPagesController } from './needs-analysis/needs-analysis.pages.controller';
import { NeedsAnalysisService } from './needs-analysis/needs-analysis.service';
import { PdfPrinter } from './shared/pdf-printer';
import { ReportsIndexPagesController } from './reports-index.pages.controller';
import { ReportPartials } from './shared/report-partials';
import { QuarterlyController } from './quarterly/quarterly.controller';
import { QuarterlyPagesController } from './quarterly/quarterly.pages.controller';
import { QuarterlyService } from './quarterly/quarterly.service';
import { TrainerCoverageController } from './trainer-coverage/trainer-coverage.controller';
import { TrainerCoveragePagesController } from './trainer-coverage/trainer-coverage.pages.controller';
import { TrainerCoverageService } from './trainer-coverage/trainer-coverage.service';

@Module({
  imports: [ComplianceModule],
  controllers: [
    GapAnalysisController,
    GapAnalysisPagesController,
    ReportsIndexPagesController,
    QuarterlyController,
    AnnualController,
    QuarterlyPagesController,
    ImpactController,
    ImpactPagesController,
    NeedsAnalysisController,
    NeedsAnalysisPagesController,
    TrainerCoverageController,
    TrainerCoveragePagesController,
    LeadCoverageController,
    LeadCoveragePagesController,
    LeadCoverageCsvController,
  ],
  providers: [
    GapAnalysisService,
    { provide: ComplianceFigures, useClass: GapAnalysisComplianceFigures },
    QuarterlyService,
    ImpactService,
    PdfPrinter,
    ReportPartials,
    NeedsAnalysisService,
    TrainerCoverageService,
    LeadCoverageService,
  ],
})
export class ReportsModule {}
