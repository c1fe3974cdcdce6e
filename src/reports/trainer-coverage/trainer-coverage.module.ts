import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { TrainerCoverageController } from './trainer-coverage.controller';
import { TrainerCoveragePagesController } from './trainer-coverage.pages.controller';
import { TrainerCoverageService } from './trainer-coverage.service';

/** Trainer coverage: valid L3 trainers in each organisation and the sessions they delivered. */
@Module({ imports: [OrganisationsModule], controllers: [TrainerCoverageController, TrainerCoveragePagesController], providers: [TrainerCoverageService] })
export class TrainerCoverageModule {}
