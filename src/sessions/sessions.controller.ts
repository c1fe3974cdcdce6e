import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
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
  list(@CurrentScope() scope: Scope, @Query() query: SessionQuery): Promise<Page<SessionView>> {
    return this.sessions.list(scope, query);
  }

  @Post()
  @Allow('admin', 'coordinator', 'trainer')
  create(@CurrentScope() scope: Scope, @Body() dto: CreateSessionDto): Promise<SessionView> {
    return this.sessions.create(scope, dto);
  }

  @Get(':id')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<SessionDetailView> {
    const { bookings, othersNotShown } = await this.bookings.list(scope, id);
    return this.sessions.detail(scope, id, bookings, othersNotShown);
  }

  @Patch(':id')
  @Allow('admin', 'coordinator', 'trainer')
  update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateSessionDto): Promise<SessionView> {
    return this.sessions.update(scope, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow('admin', 'coordinator', 'trainer')
  cancel(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<CancelledSessionView> {
    return this.sessions.cancel(scope, id);
  }

  @Get(':id/bookings')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiOkResponse({ type: [BookingView] })
  async listBookings(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<BookingView[]> {
    return (await this.bookings.list(scope, id)).bookings;
  }

  /** One person (employeeRef) answers with the booking; several (employeeRefs, or overdueFor) with a result per person. */
  @Post(':id/bookings')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  book(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: CreateBookingDto): Promise<BookingView | BulkBookingView> {
    if (dto.employeeRef !== undefined && dto.employeeRefs === undefined && !dto.overdueFor) {
      return this.bookings.bookOne(scope, id, dto.employeeRef, dto.organisationCode);
    }
    return this.bookings.book(scope, id, dto);
  }

  @Delete(':id/bookings/:bookingId')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  cancelBooking(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
  ): Promise<CancelledBookingView> {
    return this.bookings.cancel(scope, id, bookingId);
  }

  @Get(':id/bookings/:bookingId.ics')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiProduces('text/calendar')
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
  getRegister(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<RegisterView> {
    return this.register.get(scope, id);
  }

  @Put(':id/register')
  @Allow('admin', 'coordinator', 'trainer')
  saveRegister(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: RegisterDto): Promise<RegisterView> {
    return this.register.save(scope, id, dto);
  }

  @Get(':id/certificates/:bookingId.pdf')
  @Allow('admin', 'coordinator', 'trainer', 'manager')
  @ApiProduces('application/pdf')
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
  feedbackSummary(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<FeedbackSummaryView> {
    return this.feedback.summary(scope, id);
  }

  /** Makes the session's feedback link now (it is made anyway when the register is completed), or reopens it. */
  @Post(':id/feedback-link')
  @HttpCode(200)
  @Allow('admin', 'coordinator', 'trainer')
  feedbackLink(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: FeedbackLinkDto): Promise<FeedbackSummaryView> {
    return this.feedback.openLink(scope, id, dto.daysOpen);
  }
}
