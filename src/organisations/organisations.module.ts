import { Module } from '@nestjs/common';
import { OrganisationStaffCounts } from './organisation-staff-counts';
import { OrganisationsController } from './organisations.controller';
import { OrganisationsPagesController } from './organisations.pages.controller';
import { OrganisationsService } from './organisations.service';

@Module({
  controllers: [OrganisationsController, OrganisationsPagesController],
  providers: [OrganisationsService, OrganisationStaffCounts],
  exports: [OrganisationsService],
})
export class OrganisationsModule {}
