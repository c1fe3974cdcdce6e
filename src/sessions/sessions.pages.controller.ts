import { Controller, Get, HttpException, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { todayIso } from '../common/dates';
import { FieldError } from '../common/field-error';
import { FormErrors, NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { calendarMonth, isMonth } from './calendar';
import { DocumentsService } from './documents.service';
import { SessionFormDto } from './dto/session-form.dto';
import { SESSION_WHEN, SessionQuery, SessionView } from './dto/session.dto';
import { FeedbackService } from './feedback.service';
import { SessionPages, sessionCrumbs, text } from './session-pages';
import { formatLocal, timeOf } from './session-times';
import { SessionsService } from './sessions.service';
import { PeopleService } from '../people/people.service';

type Form = Record<string, unknown>;

export const PAGE_ROLES = ['admin', 'coordinator', 'trainer', 'manager'] as const;
export const MANAGE_ROLES = ['admin', 'coordinator', 'trainer'] as const;

/** Messages shown after a redirect, chosen by a short code so no text travels in the address. */
const DONE: Record<string, string> = {
  created: 'Session scheduled',
  updated: 'Session updated',
  'booking-cancelled': 'Booking cancelled',
  promoted: 'Booking cancelled: the first person on the waiting list now has the place',
  register: 'Register saved: the session is delivered and attendees’ completions are recorded',
  'feedback-link': 'Feedback link made',
};

/** Sessions: the list, the calendar, a session's page, scheduling, changing, cancelling and feedback. */
@ApiExcludeController()
@Controller('sessions')
export class SessionsPagesController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly pages: SessionPages,
    private readonly feedback: FeedbackService,
    private readonly documents: DocumentsService,
    private readonly chooser: PeopleService,
  ) {}

  @Get()
  @Allow(...PAGE_ROLES)
  async list(@CurrentScope() scope: Scope, @Query() raw: Form, @Res() res: Response): Promise<void> {
    const query = listQuery(raw);
    const trainer = await this.trainerFilter(scope, query);
    const found = await this.sessions.list(scope, trainer.query);
    const page = { ...found, items: found.items.map(withTimes) };
    res.render('sessions/index', {
      title: query.when === 'past' ? 'Past sessions' : 'Upcoming sessions',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Sessions' }],
      when: query.when,
      page,
      filters: { level: query.level ?? '', organisation: query.organisation ?? '', trainer: query.trainer ?? '' },
      filterQuery: filterQuery(query),
      ...trainer.errors,
      previousPage: page.page > 1 ? page.page - 1 : null,
      nextPage: page.page < page.pages ? page.page + 1 : null,
      canManage: this.sessions.canManage(scope),
      ...(await this.pages.choices(scope)),
    });
  }

  @Get('calendar')
  @Allow(...PAGE_ROLES)
  async calendar(@CurrentScope() scope: Scope, @Query() raw: Form, @Res() res: Response): Promise<void> {
    const today = todayIso();
    const month = isMonth(raw.month) ? raw.month : today.slice(0, 7);
    const query = listQuery(raw);
    const empty = calendarMonth(month, [] as SessionView[], (s) => s.date, today);
    const trainer = await this.trainerFilter(scope, query);
    const sessions = await this.sessions.between(scope, empty.gridStart, empty.gridEnd, trainer.query);
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
      ...trainer.errors,
      ...(await this.pages.choices(scope)),
    });
  }

  /**
   * The trainer filter as typed (a name, "Name (REF)", a reference or an email): the sessions of the
   * one person it names among those the asker may see; otherwise no sessions, and why at the box.
   */
  private async trainerFilter(scope: Scope, query: SessionQuery): Promise<{ query: SessionQuery; errors: FormErrors }> {
    if (!query.trainer) return { query, errors: NO_ERRORS };
    try {
      const person = await this.chooser.resolveOne(scope, 'trainer', query.trainer, 'see');
      return { query: Object.assign(new SessionQuery(), query, { trainer: undefined, trainerStaffId: person?.id }), errors: NO_ERRORS };
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      const text = error.problems[0].message;
      return {
        query: Object.assign(new SessionQuery(), query, { trainer: undefined, trainerStaffId: -1 }),
        errors: { errors: [{ field: 'trainer', href: '#filter-trainer', text }], errorFor: { trainer: text } },
      };
    }
  }

  @Get('new')
  @Allow(...MANAGE_ROLES)
  async newForm(@CurrentScope() scope: Scope, @Res() res: Response): Promise<void> {
    this.sessions.assertCanManage(scope);
    const page = await this.pages.form(scope, null, { levelCode: 'L2', capacity: '20', startTime: '09:30', endTime: '12:30' });
    res.render(page.view, { ...page.model, ...NO_ERRORS });
  }

  @Post('new')
  @Allow(...MANAGE_ROLES)
  @OnFieldError<SessionsPagesController>('formAgain')
  async create(@CurrentScope() scope: Scope, @FormBody() form: SessionFormDto, @Res() res: Response): Promise<void> {
    const session = await this.sessions.create(scope, form.toSession());
    res.redirect(303, `/sessions/${session.id}?done=created`);
  }

  @Get(':id')
  @Allow(...PAGE_ROLES)
  async show(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() q: Form, @Res() res: Response): Promise<void> {
    const alreadyBooked = text(q.already).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const page = await this.pages.show(scope, id, { flash: flashFrom(q), alreadyBooked });
    res.render(page.view, { ...page.model, ...NO_ERRORS });
  }

  @Get(':id/edit')
  @Allow(...MANAGE_ROLES)
  async editForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    this.sessions.assertCanManage(scope);
    const s = await this.sessions.view(await this.sessions.find(scope, id));
    const page = await this.pages.form(scope, s, {
      title: s.title,
      levelCode: s.levelCode,
      date: s.date,
      startTime: timeOf(s.startsAt),
      endTime: timeOf(s.endsAt),
      venue: s.venue ?? '',
      onlineLink: s.onlineLink ?? '',
      hostOrganisationCode: s.hostOrganisationCode,
      capacity: String(s.capacity),
      trainers: s.trainers.map((t) => `${t.name} (${t.employeeRef})`),
      externalTrainer: s.externalTrainer ?? '',
      notes: s.notes ?? '',
    });
    res.render(page.view, { ...page.model, ...NO_ERRORS });
  }

  @Post(':id/edit')
  @Allow(...MANAGE_ROLES)
  @OnFieldError<SessionsPagesController>('formAgain')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: SessionFormDto, @Res() res: Response): Promise<void> {
    await this.sessions.find(scope, id);
    await this.sessions.update(scope, id, form.toSession());
    res.redirect(303, `/sessions/${id}?done=updated`);
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
  @OnFieldError<SessionsPagesController>('sessionAgain')
  async cancel(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    const result = await this.sessions.cancel(scope, id);
    res.status(200).render('sessions/cancelled', {
      title: 'Session cancelled',
      session: result.session,
      peopleToTell: result.peopleToTell,
      toTell: result.peopleToTell.filter((p) => !p.emailed),
      emailed: result.emailed,
      withoutEmail: result.withoutEmail,
      breadcrumbs: sessionCrumbs(result.session, 'Cancelled'),
    });
  }

  @Get(':id/feedback')
  @Allow(...PAGE_ROLES)
  async feedbackPage(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() q: Form, @Res() res: Response): Promise<void> {
    const session = await this.sessions.view(await this.sessions.find(scope, id, undefined, 'see'));
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

  /** The schedule or change form again, as posted. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const id = req.params.id ? Number(req.params.id) : null;
    const session = id ? await this.sessions.view(await this.sessions.find(req.scope, id)) : null;
    return this.pages.form(req.scope, session, req.body as Form);
  }

  async sessionAgain(req: PageRequest): Promise<FormPage> {
    return this.pages.show(req.scope, Number(req.params.id));
  }
}

function withTimes(s: SessionView) {
  return { ...s, startTime: timeOf(s.startsAt), endTime: timeOf(s.endsAt) };
}

function listQuery(raw: Form): SessionQuery {
  return plainToInstance(SessionQuery, {
    when: SESSION_WHEN.includes(raw.when as never) ? raw.when : 'upcoming',
    level: text(raw.level) || undefined,
    organisation: text(raw.organisation) || undefined,
    trainer: text(raw.trainer) || undefined,
    page: Math.max(1, Number.parseInt(text(raw.page), 10) || 1),
    pageSize: 25,
  });
}

export function flashFrom(q: Form): string | null {
  if (typeof q.done === 'string' && DONE[q.done]) return DONE[q.done];
  if (typeof q.booked === 'string') {
    const booked = Number(q.booked) || 0;
    const waiting = Number(q.waiting) || 0;
    const parts = [`${booked} ${booked === 1 ? 'person' : 'people'} booked`, waiting ? `${waiting} on the waiting list` : null].filter(Boolean);
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

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthName(month: string): string {
  return `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}
