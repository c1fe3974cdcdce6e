import { MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ComplianceModule } from '../compliance/compliance.module';
import { AppConfig } from '../config/app-config';
import { evidenceUploadMiddleware } from '../evidence/evidence-upload.middleware';
import { EvidenceModule } from '../evidence/evidence.module';
import { LevelsModule } from '../levels/levels.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SessionsModule } from '../sessions/sessions.module';
import { BookingRequestsPagesController } from './booking-requests.pages.controller';
import { BookingRequestsService } from './booking-requests.service';
import { MessagePreferencesService } from './message-preferences.service';
import { MyTrainingPagesController } from './my-training.pages.controller';
import { MyTrainingService } from './my-training.service';
import { MyTrainingSignInPagesController } from './sign-in.pages.controller';
import { SignInLinksService } from './sign-in-links.service';

/** My training: a personal page for every person tracked, without an account, reached by an emailed link. */
@Module({
  imports: [SessionsModule, ComplianceModule, LevelsModule, EvidenceModule, NotificationsModule],
  controllers: [MyTrainingSignInPagesController, MyTrainingPagesController, BookingRequestsPagesController],
  providers: [SignInLinksService, MyTrainingService, MessagePreferencesService, BookingRequestsService],
  exports: [MessagePreferencesService],
})
export class MyTrainingModule implements NestModule, OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(evidenceUploadMiddleware(() => this.config.EVIDENCE_MAX_MB)).forRoutes({ path: 'my-training/evidence/new', method: RequestMethod.POST });
  }

  /** The link-request limit per client address, read by the route's throttle at request time. */
  onApplicationBootstrap(): void {
    const app = this.adapterHost.httpAdapter?.getInstance() as { set?: (key: string, value: unknown) => void } | undefined;
    app?.set?.('signInLinkRateLimit', this.config.SIGN_IN_LINK_RATE_LIMIT);
  }
}
