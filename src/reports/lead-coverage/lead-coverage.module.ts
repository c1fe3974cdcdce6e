import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { RolesModule } from '../../roles/roles.module';
import { LeadCoverageController } from './lead-coverage.controller';
import { LeadCoverageCsvController, LeadCoveragePagesController } from './lead-coverage.pages.controller';
import { LeadCoverageService } from './lead-coverage.service';

/** Prevent lead coverage: which organisations have a named lead holding a valid L3. */
@Module({
  imports: [OrganisationsModule, RolesModule],
  controllers: [LeadCoverageController, LeadCoveragePagesController, LeadCoverageCsvController],
  providers: [LeadCoverageService],
  exports: [LeadCoverageService],
})
export class LeadCoverageModule {}
