import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiFile, ApiSignedIn, PageOf } from '../common/openapi';
import { Page } from '../common/paging';
import { BookingsService } from './bookings.service';
import { DocumentsService } from './documents.service';
import { BookingView, BulkBookingView, CancelledBookingView, CreateBookingDto, RegisterDto, RegisterView } from './dto/booking.dto';
import { FeedbackLinkDto, FeedbackSummaryView } from './dto/feedback.dto';
import { CancelledSessionView, CreateSessionDto, SessionDetailView, SessionQuery, SessionView, UpdateSessionDto } from './dto/session.dto';
import { FeedbackService } from './feedback.service';
import { RegisterService } from './register.service';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@ApiSignedIn()
@ApiErrors({ forbidden: 'Your role cannot do this (viewers see figures only; managers book people but do not run sessions)' })
@Controller('api/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
    private readonly register: RegisterService,
    private readonly feedback: FeedbackService,
    private readonly documents: DocumentsService,
  ) {}

  @Get()
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: 'List training sessions', description: 'Upcoming by default, or past; by level, host organisation, trainer, status or dates. Paged.' })
  @ApiOkResponse({ type: PageOf(SessionView) })
  @ApiErrors({ badRequest: 'A filter or page number is not valid' })
  list(@CurrentScope() scope: Scope, @Query() query: SessionQuery): Promise<Page<SessionView>> {
    return this.sessions.list(scope, query);
  }

  @Post()
  @Allow('admin', 'coordinator', 'trainer')
  @ApiOperation({ summary: 'Schedule a training session', description: 'The trainer of a WRAP (L2) session must hold a valid L3 on the day.' })
  @ApiCreatedResponse({ type: SessionView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    unprocessable: 'No such level, host organisation or trainer; a level without sessions; a trainer without a valid L3; times the wrong way round; no venue or link',
  })
  create(@CurrentScope() scope: Scope, @Body() dto: CreateSessionDto): Promise<SessionView> {
    return this.sessions.create(scope, dto);
  }

  @Get(':id')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: 'Read a session with its bookings' })
  @ApiOkResponse({ type: SessionDetailView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No session with that id among those you can see' })
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<SessionDetailView> {
    const { bookings, othersNotShown } = await this.bookings.list(scope, id);
    return this.sessions.detail(scope, id, bookings, othersNotShown);
  }

  @Patch(':id')
  @Allow('admin', 'coordinator', 'trainer')
  @ApiOperation({ summary: 'Change a session', description: 'Give only the fields to change. A raised capacity moves people up from the waiting list.' })
  @ApiOkResponse({ type: SessionView })
  @ApiErrors({
    badRequest: 'A field is not valid',
    notFound: 'No session with that id among those you can see',
    unprocessable: 'No such level, host organisation or trainer; a trainer without a valid L3; times the wrong way round',
    conflict: 'The session was cancelled; the capacity is below the places taken; or it was delivered and its level or day would change',
  })
  update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateSessionDto): Promise<SessionView> {
    return this.sessions.update(scope, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow('admin', 'coordinator', 'trainer')
  @ApiOperation({ summary: 'Cancel a session and its bookings', description: 'Answers the people to tell.' })
  @ApiOkResponse({ type: CancelledSessionView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No session with that id among those you can see', conflict: 'The session is already cancelled, or has been delivered' })
  cancel(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<CancelledSessionView> {
    return this.sessions.cancel(scope, id);
  }

  @Get(':id/bookings')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: 'List the people booked on a session', description: 'Booked people, then the waiting list in order; only those you can see.' })
  @ApiOkResponse({ type: [BookingView] })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No session with that id among those you can see' })
  async listBookings(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<BookingView[]> {
    return (await this.bookings.list(scope, id)).bookings;
  }

  /** One person (employeeRef) answers with the booking; several (employeeRefs, or overdueFor) with a result per person. */
  @Post(':id/bookings')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({
    summary: 'Book people onto a session',
    description: 'One person (employeeRef) answers with the booking; several (employeeRefs), or everyone overdue in an organisation (organisationCode with overdueFor), with a result per person. Beyond the capacity people join the waiting list.',
  })
  @ApiExtraModels(BookingView, BulkBookingView)
  @ApiCreatedResponse({ schema: { oneOf: [{ $ref: getSchemaPath(BookingView) }, { $ref: getSchemaPath(BulkBookingView) }] } })
  @ApiErrors({
    badRequest: 'Not exactly one of employeeRef, employeeRefs, or organisationCode with overdueFor',
    notFound: 'No session with that id among those you can see',
    unprocessable: 'No such person or organisation among yours',
    conflict: 'The person is already booked, or the session was cancelled, delivered or is in the past',
  })
  book(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: CreateBookingDto): Promise<BookingView | BulkBookingView> {
    if (dto.employeeRef !== undefined && dto.employeeRefs === undefined && !dto.overdueFor) {
      return this.bookings.bookOne(scope, id, dto.employeeRef, dto.organisationCode);
    }
    return this.bookings.book(scope, id, dto);
  }

  @Delete(':id/bookings/:bookingId')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: 'Cancel a booking', description: 'The first on the waiting list moves up into the freed place.' })
  @ApiOkResponse({ type: CancelledBookingView })
  @ApiErrors({
    badRequest: 'An id is not a number',
    notFound: 'No such session, or no booking with that id on it, among those you can see',
    conflict: 'The booking is already cancelled, or the session was cancelled or delivered',
  })
  cancelBooking(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
  ): Promise<CancelledBookingView> {
    return this.bookings.cancel(scope, id, bookingId);
  }

  @Get(':id/bookings/:bookingId.ics')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: "Download a booking's calendar entry" })
  @ApiFile('text/calendar', 'The session as an iCalendar (.ics) file for the booked person')
  @ApiErrors({ badRequest: 'An id is not a number', notFound: 'No such session, or no booking with that id on it, among those you can see' })
  async calendarEntry(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.documents.calendarEntry(scope, id, bookingId);
    res.type('text/calendar; charset=utf-8').attachment(file.filename).send(file.body);
  }

  @Get(':id/register')
  @Allow('admin', 'coordinator', 'trainer')
  @ApiOperation({ summary: "Read a session's register", description: 'Who is booked, who attended and who did not come, and whether the register can be taken now.' })
  @ApiOkResponse({ type: RegisterView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No session with that id among those you can see' })
  getRegister(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<RegisterView> {
    return this.register.get(scope, id);
  }

  @Put(':id/register')
  @Allow('admin', 'coordinator', 'trainer')
  @ApiOperation({
    summary: 'Take or correct the register',
    description: 'Who attended (walk-ins are added) and who did not come. Marks the session delivered and records the attendees\' completions.',
  })
  @ApiOkResponse({ type: RegisterView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    notFound: 'No session with that id among those you can see',
    conflict: 'The register cannot be taken yet (before the day) or any more (cancelled)',
    unprocessable: 'Someone in both lists, not booked, unknown, ambiguous or a leaver on the day',
  })
  saveRegister(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: RegisterDto): Promise<RegisterView> {
    return this.register.save(scope, id, dto);
  }

  @Get(':id/certificates/:bookingId.pdf')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: "Download an attendee's certificate" })
  @ApiFile('application/pdf', 'The certificate as a PDF')
  @ApiErrors({ badRequest: 'An id is not a number', notFound: 'No such session or booking among those you can see, or the person did not attend' })
  async certificate(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.documents.certificate(scope, id, bookingId);
    res.type('application/pdf').attachment(file.filename).send(file.body);
  }

  @Get(':id/feedback')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOperation({ summary: 'Read the feedback on a session', description: 'Figures for everyone who may see the session; comments and the link only for those who run it.' })
  @ApiOkResponse({ type: FeedbackSummaryView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No session with that id among those you can see' })
  feedbackSummary(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<FeedbackSummaryView> {
    return this.feedback.summary(scope, id);
  }

  /** Makes the session's feedback link now (it is made anyway when the register is completed), or reopens it. */
  @Post(':id/feedback-link')
  @HttpCode(200)
  @Allow('admin', 'coordinator', 'trainer')
  @ApiOperation({ summary: 'Open (or reopen) the feedback link for a session' })
  @ApiOkResponse({ type: FeedbackSummaryView })
  @ApiErrors({ badRequest: 'A field is not valid', notFound: 'No session with that id among those you can see', conflict: 'The session was cancelled' })
  feedbackLink(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: FeedbackLinkDto): Promise<FeedbackSummaryView> {
    return this.feedback.openLink(scope, id, dto.daysOpen);
  }
}
