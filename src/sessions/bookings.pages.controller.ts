import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { FieldError } from '../common/field-error';
import { NamedAccessLog } from '../data-protection/named-access-log.service';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { BookingsService } from './bookings.service';
import { DocumentsService } from './documents.service';
import { BulkBookingView } from './dto/booking.dto';
import { BookingFormDto } from './dto/session-form.dto';
import { SessionPages, sessionCrumbs, text } from './session-pages';
import { PAGE_ROLES } from './sessions.pages.controller';
import { rowChoices } from '../people/person-rows';
import { SessionsService } from './sessions.service';
import { alreadyBookedSentence } from './booking-words';

/**
 * Bookings on a session's page: booking people (and everyone overdue, after a preview), cancelling
 * a booking (after a confirmation), booking one person from My team or their record, and a
 * booking's calendar file and certificates.
 */
@ApiExcludeController()
@Controller('sessions')
export class BookingsPagesController {
  constructor(
    private readonly bookings: BookingsService,
    private readonly sessions: SessionsService,
    private readonly documents: DocumentsService,
    private readonly pages: SessionPages,
    private readonly accessLog: NamedAccessLog,
  ) {}

  /** People typed into the booking box, or (confirmed on the preview page) everyone overdue in an organisation. */
  @Post(':id/bookings')
  @Allow(...PAGE_ROLES)
  @OnFieldError<BookingsPagesController>('sessionWithBookingForm')
  async book(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: BookingFormDto, @Res() res: Response): Promise<void> {
    const overdue = form.mode === 'overdue';
    const organisationCode = form.organisationCode ?? undefined;
    if (overdue && !organisationCode) throw new FieldError('organisationCode', 'Choose the organisation whose overdue people to book');
    const peopleChoices = rowChoices('people', form.people);
    if (!overdue && peopleChoices.length === 0) throw new FieldError('people-1', 'Enter the name of at least one person to book');
    const result = await this.bookings.book(scope, id, overdue ? { organisationCode, overdueFor: true } : { peopleChoices });
    res.redirect(303, bookedAddress(id, result, overdue ? 'organisationCode' : 'people-1'));
  }

  /** Who "book everyone overdue" would give a place and who would wait, before anything is booked. */
  @Get(':id/book-overdue')
  @Allow(...PAGE_ROLES)
  @OnFieldError<BookingsPagesController>('sessionWithOverdueChoice')
  async previewOverdue(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() q: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const organisationCode = text(q.organisationCode);
    if (!organisationCode) throw new FieldError('organisationCode', 'Choose the organisation whose overdue people to book');
    const session = await this.sessions.view(await this.sessions.find(scope, id, undefined, 'book'));
    const preview = await this.bookings.previewOverdue(scope, id, organisationCode);
    const organisation = (await this.pages.choices(scope)).organisations.find((o) => o.code === organisationCode);
    res.render('sessions/book-overdue', {
      title: `Book everyone overdue for ${session.levelCode}`,
      breadcrumbs: sessionCrumbs(session, 'Book everyone overdue'),
      session,
      organisationCode,
      organisationName: organisation?.name.trim() ?? organisationCode,
      preview,
      nobody: preview.willBook.length + preview.willWait.length === 0,
    });
  }

  /** Asks before cancelling a booking or taking someone off the waiting list. */
  @Get(':id/bookings/:bookingId/cancel')
  @Allow(...PAGE_ROLES)
  async cancelBookingForm(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
    @Res() res: Response,
  ): Promise<void> {
    const session = await this.sessions.view(await this.sessions.find(scope, id, undefined, 'see'));
    const { bookings } = await this.bookings.list(scope, id);
    const booking = bookings.find((b) => b.id === bookingId);
    if (!booking) {
      await this.bookings.get(scope, id, bookingId); // 404 unless it is a cancelled booking the scope may see
      res.redirect(303, `/sessions/${id}`);
      return;
    }
    const waiting = booking.status === 'waiting';
    res.render('sessions/cancel-booking', {
      title: waiting ? `Take ${booking.personName} off the waiting list?` : `Cancel ${booking.personName}’s booking?`,
      breadcrumbs: sessionCrumbs(session, waiting ? 'Remove from the waiting list' : 'Cancel booking'),
      session,
      booking,
      waiting,
      promotes: !waiting && session.waiting > 0,
    });
  }

  @Post(':id/bookings/:bookingId/cancel')
  @Allow(...PAGE_ROLES)
  @OnFieldError<BookingsPagesController>('session')
  async cancelBooking(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
    @Res() res: Response,
  ): Promise<void> {
    const result = await this.bookings.cancel(scope, id, bookingId);
    res.redirect(303, `/sessions/${id}?done=${result.promoted ? 'promoted' : 'booking-cancelled'}`);
  }

  /** "Book onto a session": the open sessions of a level with places left, for one person. */
  @Get('book/:staffId')
  @Allow(...PAGE_ROLES)
  async bookPersonPage(@CurrentScope() scope: Scope, @Param('staffId', ParseIntPipe) staffId: number, @Query() q: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const page = await this.pages.bookPerson(scope, staffId, text(q.level));
    res.render(page.view, { ...page.model, ...NO_ERRORS });
  }

  @Post('book/:staffId')
  @Allow(...PAGE_ROLES)
  @OnFieldError<BookingsPagesController>('bookPersonAgain')
  async bookPerson(
    @CurrentScope() scope: Scope,
    @Param('staffId', ParseIntPipe) staffId: number,
    @Body() form: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const sessionId = Number.parseInt(text(form.sessionId), 10);
    if (!Number.isInteger(sessionId)) throw new FieldError('sessionId', 'Choose a session');
    await this.bookings.bookable(scope, staffId);
    const result = await this.bookings.bookPerson(scope, sessionId, staffId);
    res.redirect(303, bookedAddress(sessionId, result, 'sessionId'));
  }

  /** Every attendee's certificate in one PDF. */
  @Get(':id/certificates.pdf')
  @Allow(...PAGE_ROLES)
  async certificates(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    const file = await this.documents.certificates(scope, id);
    await this.accessLog.recordDownload(scope, { list: 'session-certificates', format: 'pdf', filter: { session: id }, rows: file.people, organisationCode: file.hostCode });
    res.type('application/pdf').attachment(file.filename).send(file.body);
  }

  @Get(':id/bookings/:bookingId/calendar.ics')
  @Allow(...PAGE_ROLES)
  async calendarEntry(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Param('bookingId', ParseIntPipe) bookingId: number, @Res() res: Response): Promise<void> {
    const file = await this.documents.calendarEntry(scope, id, bookingId);
    res.type('text/calendar; charset=utf-8').attachment(file.filename).send(file.body);
  }

  @Get(':id/bookings/:bookingId/certificate.pdf')
  @Allow(...PAGE_ROLES)
  async certificate(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Param('bookingId', ParseIntPipe) bookingId: number, @Res() res: Response): Promise<void> {
    const file = await this.documents.certificate(scope, id, bookingId);
    res.type('application/pdf').attachment(file.filename).send(file.body);
  }

  /** The session's page with the booking form as posted; a refusal naming no field is shown at the box used. */
  async sessionWithBookingForm(req: PageRequest): Promise<FormPage> {
    const form = req.body as Record<string, unknown>;
    const page = await this.pages.show(req.scope, Number(req.params.id), { bookingForm: form });
    return { ...page, unnamed: form.mode === 'overdue' ? 'organisationCode' : 'people-1' };
  }

  /** The session's page with the organisation chosen for "everyone overdue". */
  async sessionWithOverdueChoice(req: PageRequest): Promise<FormPage> {
    const page = await this.pages.show(req.scope, Number(req.params.id), { bookingForm: { ...(req.query as Record<string, unknown>), mode: 'overdue' } });
    return { ...page, unnamed: 'organisationCode' };
  }

  async bookPersonAgain(req: PageRequest): Promise<FormPage> {
    return { ...(await this.pages.bookPerson(req.scope, Number(req.params.staffId), text(req.query.level))), unnamed: 'sessionId' };
  }

  async session(req: PageRequest): Promise<FormPage> {
    return this.pages.show(req.scope, Number(req.params.id));
  }
}

/**
 * Where to go after booking: the session's page saying how many were booked or wait, naming those
 * already there. When nobody new was placed, the refusal says who is already booked instead.
 */
function bookedAddress(sessionId: number, result: BulkBookingView, field: string): string {
  const already = result.results.filter((r) => r.outcome === 'already booked');
  if (result.booked + result.waiting === 0 && already.length > 0) throw new FieldError(field, alreadyBookedSentence(already), 409);
  const params = new URLSearchParams({ booked: String(result.booked), waiting: String(result.waiting) });
  if (already.length > 0) params.set('already', already.map((r) => r.booking.id).join(','));
  return `/sessions/${sessionId}?${params.toString()}`;
}
