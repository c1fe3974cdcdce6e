import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module';
import { LevelsModule } from '../levels/levels.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { StaffModule } from '../staff/staff.module';
import { CompletionsController } from './completions.controller';
import { CompletionsPagesController } from './completions.pages.controller';
import { CompletionsService } from './completions.service';

@Module({
  imports: [StaffModule, LevelsModule, OrganisationsModule, ComplianceModule, SessionsModule],
  controllers: [CompletionsController, CompletionsPagesController],
  providers: [CompletionsService],
  exports: [CompletionsService],
})
export class CompletionsModule {}
