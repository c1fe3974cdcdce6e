import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { GapAnalysisModule } from '../reports/gap-analysis/gap-analysis.module';
import { PeopleModule } from '../people/people.module';
import { RolesModule } from '../roles/roles.module';
import { StaffController } from './staff.controller';
import { StaffPagesController } from './staff.pages.controller';
import { StaffService } from './staff.service';
import { StaffStatus } from './staff-status';

@Module({
  imports: [OrganisationsModule, RolesModule, PeopleModule, ComplianceModule, GapAnalysisModule],
  controllers: [StaffController, StaffPagesController],
  providers: [StaffService, StaffStatus],
  exports: [StaffService],
})
export class StaffModule {}
