import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module';
import { LevelsModule } from '../levels/levels.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { EvidencePagesController } from './evidence.pages.controller';
import { EvidenceService } from './evidence.service';

/** Certificates of training done elsewhere: sent from My training, checked by coordinators at /evidence. */
@Module({
  imports: [CompletionsModule, LevelsModule, NotificationsModule],
  controllers: [EvidencePagesController],
  providers: [EvidenceService],
  exports: [EvidenceService],
})
export class EvidenceModule {}
