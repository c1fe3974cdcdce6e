import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { ComplianceController } from './compliance.controller';
import { ComplianceService } from './compliance.service';
import { MyTeamPagesController } from './my-team.pages.controller';
import { MyTeamService } from './my-team.service';
import { TargetsCoreModule } from '../reports/targets/targets-core.module';

/** A person's compliance by the reference rules: their record, and managers' "my team". */
@Module({
  imports: [SessionsModule, TargetsCoreModule],
  controllers: [ComplianceController, MyTeamPagesController],
  providers: [ComplianceService, MyTeamService],
  exports: [ComplianceService, MyTeamService],
})
export class ComplianceModule {}
