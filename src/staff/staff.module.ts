import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { PeopleModule } from '../people/people.module';
import { RolesModule } from '../roles/roles.module';
import { StaffController } from './staff.controller';
import { StaffPagesController } from './staff.pages.controller';
import { StaffService } from './staff.service';

@Module({
  imports: [OrganisationsModule, RolesModule, PeopleModule],
  controllers: [StaffController, StaffPagesController],
  providers: [StaffService],
  exports: [StaffService],
})
export class StaffModule {}
