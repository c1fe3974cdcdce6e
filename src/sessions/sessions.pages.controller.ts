import { Body, Controller, Get, HttpException, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import { LevelsService } from '../levels/levels.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { BookingsService } from './bookings.service';
import { calendarMonth, isMonth } from './calendar';
import { DocumentsService } from './documents.service';
import { CreateSessionDto, SESSION_WHEN, SessionQuery, SessionView } from './dto/session.dto';
import { FeedbackService } from './feedback.service';
import { closedReason, RegisterService } from './register.service';
import { dateOf, formatLocal, timeOf } from './session-times';
import { SessionsService } from './sessions.service';

type Form = Record<string, unknown>;
interface FieldError {
  field: string;
  text: string;
}

const PAGE_ROLES = ['admin', 'coordinator', 'trainer', 'manager'] as const;
const MANAGE_ROLES = ['admin', 'coordinator', 'trainer'] as const;

/** Messages shown after a redirect, chosen by a short code so no text travels in the address. */
const DONE: Record<string, string> = {
  created: 'Session scheduled',
  updated: 'Session updated',
  'booking-cancelled': 'Booking cancelled',
  promoted: 'Booking cancelled: the first person on the waiting list now has the place',
  register: 'Register saved: the session is delivered and attendees’ completions are recorded',
  'feedback-link': 'Feedback link made',
};

@ApiExcludeController()
@Controller('sessions')
export class SessionsPagesController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
    private readonly register: RegisterService,
    private readonly feedback: FeedbackService,
    private readonly documents: DocumentsService,
    private readonly levels: LevelsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  @Allow(...PAGE_ROLES)
  async list(@CurrentScope() scope: Scope, @Query() raw: Form, @Res() res: Response): Promise<void> {
    const query = await this.listQuery(raw);
    const found = await this.sessions.list(scope, query);
    const page = { ...found, items: found.items.map(withTimes) };
    res.render('sessions/index', {
      title: query.when === 'past' ? 'Past sessions' : 'Upcoming sessions',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Sessions' }],
      when: query.when,
      page,
      filters: { level: query.level ?? '', organisation: query.organisation ?? '', trainer: query.trainer ?? '' },
      filterQuery: filterQuery(query),
      previousPage: page.page > 1 ? page.page - 1 : null,
      nextPage: page.page < page.pages ? page.page + 1 : null,
      canManage: this.sessions.canManage(scope),
      ...(await this.choices(scope)),
    });
  }

  @Get('calendar')
  @Allow(...PAGE_ROLES)
  async calendar(@CurrentScope() scope: Scope, @Query() raw: Form, @Res() res: Response): Promise<void> {
    const today = todayIso();
    const month = isMonth(raw.month) ? raw.month : today.slice(0, 7);
    const query = await this.listQuery(raw);
    const empty = calendarMonth(month, [] as SessionView[], (s) => s.date, today);
    const sessions = await this.sessions.between(scope, empty.gridStart, empty.gridEnd, query);
    const grid = calendarMonth(month, sessions.map(withTimes), (s) => s.date, today);
    res.render('sessions/calendar', {
      title: `Sessions in ${monthName(month)}`,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Sessions', href: '/sessions' }, { text: 'Calendar' }],
      grid,
      monthName: monthName(month),
      previousName: monthName(grid.previous),
      nextName: monthName(grid.next),
      filters: { level: query.level ?? '', organisation: query.organisation ?? '', trainer: query.trainer ?? '' },
      filterQuery: filterQuery(query),
      ...(await this.choices(scope)),
    });
  }

  @Get('new')
  @Allow(...MANAGE_ROLES)
  async newForm(@CurrentScope() scope: Scope, @Res() res: Response): Promise<void> {
    this.sessions.assertCanManage(scope);
    await this.renderForm(res, scope, null, { levelCode: 'L2', capacity: '20', startTime: '09:30', endTime: '12:30' }, []);
  }

  @Post('new')
  @Allow(...MANAGE_ROLES)
  async create(@CurrentScope() scope: Scope, @Body() form: Form, @Res() res: Response): Promise<void> {
    const { dto, errors } = await sessionDtoFrom(form);
    if (errors.length > 0) return this.renderForm(res, scope, null, form, errors);
    try {
      const session = await this.sessions.create(scope, dto);
      res.redirect(303, `/sessions/${session.id}?done=created`);
    } catch (error) {
      await this.renderForm(res, scope, null, form, errorsFrom(error));
    }
  }

  @Get(':id')
  @Allow(...PAGE_ROLES)
  async show(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() q: Form, @Res() res: Response): Promise<void> {
    await this.renderSession(res, scope, id, { flash: flashFrom(q) });
  }

  @Get(':id/edit')
  @Allow(...MANAGE_ROLES)
  async editForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    this.sessions.assertCanManage(scope);
    const s = await this.sessions.view(await this.sessions.find(scope, id));
    await this.renderForm(res, scope, s, {
      title: s.title,
      levelCode: s.levelCode,
      date: s.date,
      startTime: timeOf(s.startsAt),
      endTime: timeOf(s.endsAt),
      venue: s.venue ?? '',
      onlineLink: s.onlineLink ?? '',
      hostOrganisationCode: s.hostOrganisationCode,
      capacity: String(s.capacity),
      trainerEmployeeRefs: s.trainers.map((t) => t.employeeRef).join(', '),
      externalTrainer: s.externalTrainer ?? '',
      notes: s.notes ?? '',
    }, []);
  }

  @Post(':id/edit')
  @Allow(...MANAGE_ROLES)
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: Form, @Res() res: Response): Promise<void> {
    const existing = await this.sessions.view(await this.sessions.find(scope, id));
    const { dto, errors } = await sessionDtoFrom(form);
    if (errors.length > 0) return this.renderForm(res, scope, existing, form, errors);
    try {
      await this.sessions.update(scope, id, dto);
      res.redirect(303, `/sessions/${id}?done=updated`);
    } catch (error) {
      await this.renderForm(res, scope, existing, form, errorsFrom(error));
    }
  }

  @Post(':id/bookings')
  @Allow(...PAGE_ROLES)
  async book(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: Form, @Res() res: Response): Promise<void> {
    const overdue = form.mode === 'overdue';
    const refs = splitRefs(form.employeeRefs);
    const organisationCode = text(form.organisationCode) || undefined;
    const field = overdue ? 'organisationCode' : 'employeeRefs';
    if (overdue ? !organisationCode : refs.length === 0) {
      const message = overdue ? 'Choose the organisation whose overdue people to book' : 'Enter the employee reference of at least one person to book';
      return this.renderSession(res, scope, id, { errors: [{ field, text: message }], bookingForm: form }, 422);
    }
    try {
      const result = await this.bookings.book(scope, id, overdue ? { organisationCode, overdueFor: true } : { employeeRefs: refs, organisationCode });
      const params = new URLSearchParams({ booked: String(result.booked), waiting: String(result.waiting), already: String(result.alreadyBooked) });
      res.redirect(303, `/sessions/${id}?${params.toString()}`);
    } catch (error) {
      const errors = errorsFrom(error).map((e) => ({ ...e, field: e.field === 'form' ? field : e.field }));
      await this.renderSession(res, scope, id, { errors, bookingForm: form }, statusOf(error));
    }
  }

  @Post(':id/bookings/:bookingId/cancel')
  @Allow(...PAGE_ROLES)
  async cancelBooking(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('bookingId', ParseIntPipe) bookingId: number,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const result = await this.bookings.cancel(scope, id, bookingId);
      res.redirect(303, `/sessions/${id}?done=${result.promoted ? 'promoted' : 'booking-cancelled'}`);
    } catch (error) {
      await this.renderSession(res, scope, id, { errors: errorsFrom(error) }, statusOf(error));
    }
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

  @Get(':id/cancel')
  @Allow(...MANAGE_ROLES)
  async cancelForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    this.sessions.assertCanManage(scope);
    const session = await this.sessions.view(await this.sessions.find(scope, id));
    res.render('sessions/cancel', { title: `Cancel ${session.title}`, session, breadcrumbs: sessionCrumbs(session, 'Cancel') });
  }

  @Post(':id/cancel')
  @Allow(...MANAGE_ROLES)
  async cancel(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    try {
      const result = await this.sessions.cancel(scope, id);
      res.status(200).render('sessions/cancelled', {
        title: 'Session cancelled',
        session: result.session,
        peopleToTell: result.peopleToTell,
        breadcrumbs: sessionCrumbs(result.session, 'Cancelled'),
      });
    } catch (error) {
      await this.renderSession(res, scope, id, { errors: errorsFrom(error) }, statusOf(error));
    }
  }

  @Get(':id/register')
  @Allow(...MANAGE_ROLES)
  async registerForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    await this.renderRegister(res, scope, id, null, []);
  }

  @Post(':id/register')
  @Allow(...MANAGE_ROLES)
  async saveRegister(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: Form, @Res() res: Response): Promise<void> {
    const current = await this.register.get(scope, id);
    const attended: string[] = [];
    const noShow: string[] = [];
    for (const entry of current.entries) {
      const choice = form[`attendance-${entry.id}`];
      if (choice === 'attended') attended.push(entry.employeeRef);
      if (choice === 'no_show') noShow.push(entry.employeeRef);
    }
    attended.push(...splitRefs(form.walkIns));
    try {
      await this.register.save(scope, id, { attended, noShow, organisationCode: text(form.walkInOrganisationCode) || undefined });
      res.redirect(303, `/sessions/${id}?done=register`);
    } catch (error) {
      res.status(statusOf(error));
      await this.renderRegister(res, scope, id, form, errorsFrom(error));
    }
  }

  @Get(':id/feedback')
  @Allow(...PAGE_ROLES)
  async feedbackPage(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() q: Form, @Res() res: Response): Promise<void> {
    const session = await this.sessions.view(await this.sessions.find(scope, id, undefined, 'book'));
    const summary = await this.feedback.summary(scope, id);
    res.render('sessions/feedback', {
      title: `Feedback: ${session.title}`,
      session,
      summary,
      closesText: formatLocal(summary.closesAt),
      canManage: this.sessions.canManage(scope),
      flash: flashFrom(q),
      breadcrumbs: sessionCrumbs(session, 'Feedback'),
    });
  }

  @Post(':id/feedback')
  @Allow(...MANAGE_ROLES)
  async makeFeedbackLink(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    await this.feedback.openLink(scope, id, undefined);
    res.redirect(303, `/sessions/${id}/feedback?done=feedback-link`);
  }

  /** The feedback link as a QR code: an image route, so the SVG never passes through a template. */
  @Get(':id/feedback-qr.svg')
  @Allow(...MANAGE_ROLES)
  async feedbackQr(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    const summary = await this.feedback.summary(scope, id);
    if (!summary.link) throw new HttpException('This session has no feedback link yet', 404);
    res.type('image/svg+xml').send(await this.documents.qrSvg(summary.link));
  }

  private async renderSession(
    res: Response,
    scope: Scope,
    id: number,
    extras: { flash?: string | null; errors?: FieldError[]; bookingForm?: Form },
    status = 200,
  ): Promise<void> {
    const { bookings, othersNotShown } = await this.bookings.list(scope, id);
    const session = await this.sessions.detail(scope, id, bookings, othersNotShown);
    const today = todayIso();
    const canManage = session.canManage;
    const scheduled = session.status === 'scheduled';
    const feedback = await this.feedback.summary(scope, id);
    res.status(status).render('sessions/show', {
      title: session.title,
      breadcrumbs: sessionCrumbs(session),
      session,
      timeText: timeText(session),
      booked: bookings.filter((b) => b.status === 'booked'),
      waitingList: bookings.filter((b) => b.status === 'waiting'),
      canManage,
      canBook: scheduled && session.date >= today,
      canCancelBookings: scheduled,
      canTakeRegister: canManage && closedReason(session, today) === null,
      canCancel: canManage && scheduled,
      feedback,
      closesText: formatLocal(feedback.closesAt),
      errors: extras.errors ?? [],
      errorFor: Object.fromEntries((extras.errors ?? []).map((e) => [e.field, e.text])),
      bookingForm: extras.bookingForm ?? {},
      flash: extras.flash ?? null,
      ...(await this.choices(scope)),
    });
  }

  private async renderRegister(res: Response, scope: Scope, id: number, form: Form | null, errors: FieldError[]): Promise<void> {
    const session = await this.sessions.view(await this.sessions.find(scope, id));
    const register = await this.register.get(scope, id);
    const entries = register.entries.map((e) => {
      const chosen = form ? form[`attendance-${e.id}`] : e.status === 'booked' ? e.attendance : null;
      return { ...e, attended: chosen === 'attended', noShow: chosen === 'no_show' };
    });
    res.render('sessions/register', {
      title: `Register: ${session.title}`,
      breadcrumbs: sessionCrumbs(session, 'Register'),
      session,
      register,
      booked: entries.filter((e) => e.status === 'booked'),
      waitingList: entries.filter((e) => e.status === 'waiting'),
      walkIns: text(form?.walkIns),
      walkInOrganisationCode: text(form?.walkInOrganisationCode),
      errors,
    });
  }

  private async renderForm(res: Response, scope: Scope, session: SessionView | null, form: Form, errors: FieldError[]): Promise<void> {
    res.status(errors.length > 0 ? 422 : 200).render('sessions/form', {
      title: session ? `Change ${session.title}` : 'Schedule a session',
      breadcrumbs: session ? sessionCrumbs(session, 'Change') : [{ text: 'Sessions', href: '/sessions' }, { text: 'Schedule a session' }],
      action: session ? `/sessions/${session.id}/edit` : '/sessions/new',
      session,
      form,
      errors,
      errorFor: Object.fromEntries(errors.map((e) => [e.field, e.text])),
      ...(await this.choices(scope)),
    });
  }

  private async listQuery(raw: Form): Promise<SessionQuery> {
    const query = plainToInstance(SessionQuery, {
      when: SESSION_WHEN.includes(raw.when as never) ? raw.when : 'upcoming',
      level: text(raw.level) || undefined,
      organisation: text(raw.organisation) || undefined,
      trainer: text(raw.trainer) || undefined,
      page: Math.max(1, Number.parseInt(text(raw.page), 10) || 1),
      pageSize: 25,
    });
    return query;
  }

  /** Levels that have sessions (not e-learning) and the organisations the scope may choose from. */
  private async choices(scope: Scope) {
    const levels = (await this.levels.list()).filter((l) => l.rank > 1);
    const roots = scope.rootOrganisationId === null ? undefined : [scope.rootOrganisationId];
    const all = await this.organisations.list(roots);
    const top = Math.min(...all.map((o) => o.depth));
    // Indented with em spaces so the select reads as the tree (option text cannot hold markup).
    const organisations = all.map((o) => ({ code: o.code, name: `${'\u2003'.repeat(Math.max(0, o.depth - top))}${o.name}` }));
    return { levels, organisations };
  }
}

/** "09:30 to 12:30", or with the dates when a course runs over more than one day. */
function timeText(s: SessionView): string {
  if (dateOf(s.startsAt) === dateOf(s.endsAt)) return `${timeOf(s.startsAt)} to ${timeOf(s.endsAt)}`;
  return `${timeOf(s.startsAt)} on ${formatUkDate(dateOf(s.startsAt))} to ${timeOf(s.endsAt)} on ${formatUkDate(dateOf(s.endsAt))}`;
}

function withTimes(s: SessionView) {
  return { ...s, startTime: timeOf(s.startsAt), endTime: timeOf(s.endsAt) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Employee references typed into a box: separated by commas, spaces or new lines. */
export function splitRefs(value: unknown): string[] {
  return [...new Set(text(value).split(/[\s,;]+/).filter(Boolean))];
}

async function sessionDtoFrom(form: Form): Promise<{ dto: CreateSessionDto; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const date = text(form.date);
  const startTime = text(form.startTime);
  const endTime = text(form.endTime);
  const plain = {
    levelCode: text(form.levelCode),
    title: text(form.title),
    startsAt: `${date}T${startTime}`,
    endsAt: `${date}T${endTime}`,
    venue: text(form.venue) || null,
    onlineLink: text(form.onlineLink) || null,
    hostOrganisationCode: text(form.hostOrganisationCode),
    capacity: /^\d+$/.test(text(form.capacity)) ? Number(text(form.capacity)) : NaN,
    trainerEmployeeRefs: splitRefs(form.trainerEmployeeRefs),
    externalTrainer: text(form.externalTrainer) || null,
    notes: text(form.notes) || null,
  };
  const dto = plainToInstance(CreateSessionDto, plain);
  const messages: Record<string, string> = {
    levelCode: 'Choose the level',
    title: 'Enter a title of up to 200 characters',
    startsAt: !/^\d{4}-\d{2}-\d{2}$/.test(date) ? 'Enter the date of the session' : 'Enter the start time as HH:MM, for example 09:30',
    endsAt: 'Enter the end time as HH:MM, for example 12:30',
    hostOrganisationCode: 'Choose the host organisation',
    capacity: 'Enter the number of places, from 1 to 500',
    onlineLink: 'Enter the online link as a web address starting https://',
  };
  const fieldOf: Record<string, string> = { startsAt: 'startTime', endsAt: 'endTime', trainerEmployeeRefs: 'trainerEmployeeRefs' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) errors.push({ field: 'date', text: 'Enter the date of the session' });
  for (const e of await validate(dto)) {
    if (e.property === 'startsAt' && errors.some((x) => x.field === 'date')) continue;
    if (e.property === 'endsAt' && errors.some((x) => x.field === 'date')) continue;
    errors.push({ field: fieldOf[e.property] ?? e.property, text: messages[e.property] ?? Object.values(e.constraints ?? {})[0] ?? `Check ${e.property}` });
  }
  return { dto, errors };
}

/** Turns a service's refusal into messages for the page's error summary. */
function errorsFrom(error: unknown): FieldError[] {
  if (!(error instanceof HttpException) || error.getStatus() === 404 || error.getStatus() === 403 || error.getStatus() >= 500) throw error;
  const body = error.getResponse();
  const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? error.message);
  return (Array.isArray(message) ? message : [message]).map((m) => {
    const field = /^([a-zA-Z]+): /.exec(m)?.[1];
    return { field: field === 'employeeRef' ? 'employeeRefs' : (field ?? 'form'), text: m.replace(/^[a-zA-Z]+: /, '') };
  });
}

function statusOf(error: unknown): number {
  return error instanceof HttpException ? error.getStatus() : 500;
}

function flashFrom(q: Form): string | null {
  if (typeof q.done === 'string' && DONE[q.done]) return DONE[q.done];
  if (typeof q.booked === 'string') {
    const booked = Number(q.booked) || 0;
    const waiting = Number(q.waiting) || 0;
    const already = Number(q.already) || 0;
    const parts = [
      `${booked} ${booked === 1 ? 'person' : 'people'} booked`,
      waiting ? `${waiting} on the waiting list` : null,
      already ? `${already} already booked` : null,
    ].filter(Boolean);
    return parts.join(', ');
  }
  return null;
}

function filterQuery(query: SessionQuery): string {
  const params = new URLSearchParams();
  if (query.level) params.set('level', query.level);
  if (query.organisation) params.set('organisation', query.organisation);
  if (query.trainer) params.set('trainer', query.trainer);
  return params.toString();
}

function sessionCrumbs(session: { id: number; title: string }, last?: string) {
  const crumbs: { text: string; href?: string }[] = [
    { text: 'Home', href: '/' },
    { text: 'Sessions', href: '/sessions' },
    { text: session.title, href: last ? `/sessions/${session.id}` : undefined },
  ];
  if (last) crumbs.push({ text: last });
  return crumbs;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthName(month: string): string {
  return `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}
