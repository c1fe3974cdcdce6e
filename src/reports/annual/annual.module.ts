import { Module } from '@nestjs/common';
import { QuarterlyModule } from '../quarterly/quarterly.module';
import { TargetsModule } from '../targets/targets.module';
import { AnnualController } from './annual.controller';

/** The annual report: the financial year's four quarters, from the quarterly figures. */
@Module({ imports: [QuarterlyModule, TargetsModule], controllers: [AnnualController] })
export class AnnualModule {}
