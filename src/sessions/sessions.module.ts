import { Module } from '@nestjs/common';
import { LevelsModule } from '../levels/levels.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { PeopleModule } from '../people/people.module';
import { BookingOffers } from './booking-offers';
import { BookingsService } from './bookings.service';
import { DocumentsService } from './documents.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackPagesController } from './feedback.pages.controller';
import { FeedbackService } from './feedback.service';
import { RegisterService } from './register.service';
import { SessionPeople } from './session-people';
import { SessionWrites } from './session-writes';
import { SessionsController } from './sessions.controller';
import { SessionsPagesController } from './sessions.pages.controller';
import { BookingsPagesController } from './bookings.pages.controller';
import { RegisterPagesController } from './register.pages.controller';
import { SessionPages } from './session-pages';
import { SessionsService } from './sessions.service';

/** Training sessions: scheduling, bookings and waiting lists, registers, feedback and certificates. */
@Module({
  imports: [LevelsModule, OrganisationsModule, PeopleModule],
  controllers: [SessionsController, FeedbackController, SessionsPagesController, BookingsPagesController, RegisterPagesController, FeedbackPagesController],
  providers: [SessionWrites, SessionPeople, SessionsService, BookingsService, RegisterService, FeedbackService, DocumentsService, SessionPages, BookingOffers],
  exports: [SessionsService, BookingsService, RegisterService, FeedbackService, BookingOffers, DocumentsService],
})
export class SessionsModule {}
