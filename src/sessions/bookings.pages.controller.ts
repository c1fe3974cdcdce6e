import { Controller, Get, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { FieldError } from '../common/field-error';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { BookingsService } from './bookings.service';
import { DocumentsService } from './documents.service';
import { BookingFormDto } from './dto/session-form.dto';
import { SessionPages } from './session-pages';
import { PAGE_ROLES } from './sessions.pages.controller';

/** Bookings on a session's page: booking people, cancelling a booking, and a booking's calendar file and certificate. */
@ApiExcludeController()
@Controller('sessions')
export class BookingsPagesController {
  constructor(
    private readonly bookings: BookingsService,
    private readonly documents: DocumentsService,
    private readonly pages: SessionPages,
  ) {}

  @Post(':id/bookings')
  @Allow(...PAGE_ROLES)
  @OnFieldError<BookingsPagesController>('sessionWithBookingForm')
  async book(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: BookingFormDto, @Res() res: Response): Promise<void> {
    const overdue = form.mode === 'overdue';
    const organisationCode = form.organisationCode ?? undefined;
    if (overdue && !organisationCode) throw new FieldError('organisationCode', 'Choose the organisation whose overdue people to book');
    if (!overdue && form.employeeRefs.length === 0) throw new FieldError('employeeRefs', 'Enter the employee reference of at least one person to book');
    const result = await this.bookings.book(scope, id, overdue ? { organisationCode, overdueFor: true } : { employeeRefs: form.employeeRefs, organisationCode });
    const params = new URLSearchParams({ booked: String(result.booked), waiting: String(result.waiting), already: String(result.alreadyBooked) });
    res.redirect(303, `/sessions/${id}?${params.toString()}`);
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
    return { ...page, unnamed: form.mode === 'overdue' ? 'organisationCode' : 'employeeRefs' };
  }

  async session(req: PageRequest): Promise<FormPage> {
    return this.pages.show(req.scope, Number(req.params.id));
  }
}
