import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module';
import { GapAnalysisModule } from '../reports/gap-analysis/gap-analysis.module';
import { SessionsModule } from '../sessions/sessions.module';
import { HomePagesController } from './home.pages.controller';
import { HomeService } from './home.service';

/** Server-rendered pages that belong to no single feature (home by role). Feature pages live beside their feature. */
@Module({
  imports: [ComplianceModule, GapAnalysisModule, SessionsModule],
  controllers: [HomePagesController],
  providers: [HomeService],
})
export class PagesModule {}
