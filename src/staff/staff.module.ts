import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RolesModule } from '../roles/roles.module';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';

@Module({
  imports: [OrganisationsModule, RolesModule],
  controllers: [StaffController],
  providers: [StaffService],
  exports: [StaffService],
})
export class StaffModule {}
