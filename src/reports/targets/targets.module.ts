import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { TargetsController } from './targets.controller';
import { TargetsPagesController } from './targets.pages.controller';
import { TargetsService } from './targets.service';

/** Targets per level (partnership, sector, organisation) and the red/amber/green status against them. */
@Module({
  imports: [OrganisationsModule],
  controllers: [TargetsController, TargetsPagesController],
  providers: [TargetsService],
  exports: [TargetsService],
})
export class TargetsModule {}
