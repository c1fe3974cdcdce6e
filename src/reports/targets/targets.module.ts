import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { TargetsCoreModule } from './targets-core.module';
import { TargetsController } from './targets.controller';
import { TargetsPagesController } from './targets.pages.controller';

/** Targets per level (partnership, sector, organisation) and the red/amber/green status against them: service, page and API. */
@Module({
  imports: [OrganisationsModule, TargetsCoreModule],
  controllers: [TargetsController, TargetsPagesController],
  exports: [TargetsCoreModule],
})
export class TargetsModule {}
