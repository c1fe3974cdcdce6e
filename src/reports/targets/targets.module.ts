import { Module } from '@nestjs/common';
import { TargetsService } from './targets.service';

/** Targets per level (partnership, sector, organisation) and the red/amber/green status against them. */
@Module({
  providers: [TargetsService],
  exports: [TargetsService],
})
export class TargetsModule {}
