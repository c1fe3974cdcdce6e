import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { ImpactController } from './impact.controller';
import { ImpactPagesController } from './impact.pages.controller';
import { ImpactService } from './impact.service';

/** Impact figures: counts of concerns and referrals per organisation and quarter, entered by coordinators. */
@Module({ imports: [OrganisationsModule], controllers: [ImpactController, ImpactPagesController], providers: [ImpactService], exports: [ImpactService] })
export class ImpactModule {}
