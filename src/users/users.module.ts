import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { StaffModule } from '../staff/staff.module';
import { AdminPagesController } from './admin.pages.controller';
import { FirstAdmin } from './first-admin';
import { TokensService } from './tokens.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [OrganisationsModule, StaffModule],
  controllers: [UsersController, AdminPagesController],
  providers: [UsersService, TokensService, FirstAdmin],
  exports: [UsersService, TokensService, FirstAdmin],
})
export class UsersModule {}
