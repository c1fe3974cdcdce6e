import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LevelsModule } from '../levels/levels.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RolesModule } from '../roles/roles.module';
import { Requirement } from './requirement.entity';
import { RequirementsController } from './requirements.controller';
import { RequirementsService } from './requirements.service';

@Module({
  imports: [TypeOrmModule.forFeature([Requirement]), RolesModule, LevelsModule, OrganisationsModule],
  controllers: [RequirementsController],
  providers: [RequirementsService],
  exports: [RequirementsService],
})
export class RequirementsModule {}
