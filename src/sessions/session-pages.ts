import { Injectable } from '@nestjs/common';
import { postedRows, rowFields } from '../people/person-rows';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import type { FormPage } from '../common/form-page';
import { LevelsService } from '../levels/levels.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { BookingsService } from './bookings.service';
import { datePartsOf, partsOfIso } from '../common/date-parts';
import { SESSION_FORM_ANCHORS, SESSION_FORM_IDS, SESSION_FORM_ORDER } from './dto/session-form.dto';
import { SessionView } from './dto/session.dto';
import { FeedbackService } from './feedback.service';
import { closedReason, RegisterService } from './register.service';
import { dateOf, formatLocal, timeOf } from './session-times';
import { SessionsService, WRAP_LEVEL } from './sessions.service';
import { PREVENT_ELEARNING } from './booking-offers';
import { alreadyBookedSentence } from './booking-words';

/** The models of the session pages that the sessions, bookings and register page controllers share. */
@Injectable()
export class SessionPages {
  constructor(
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
    private readonly register: RegisterService,
    private readonly feedback: FeedbackService,
    private readonly levels: LevelsService,
    private readonly organisations: OrganisationsService,
  ) {}

  /**
   * A session's page, with the booking form as posted when it was refused. `alreadyBooked` are the
   * bookings a booking just found already there, named in the message at the top.
   */
  async show(
    scope: Scope,
    id: number,
    extras: { flash?: string | null; bookingForm?: Record<string, unknown>; alreadyBooked?: number[] } = {},
  ): Promise<FormPage> {
    const { bookings, othersNotShown } = await this.bookings.list(scope, id);
    const session = await this.sessions.detail(scope, id, bookings, othersNotShown);
    const today = todayIso();
    const canManage = session.canManage;
    const scheduled = session.status === 'scheduled';
    const feedback = await this.feedback.summary(scope, id);
    const already = bookings.filter((b) => extras.alreadyBooked?.includes(b.id));
    const flash = [extras.flash, already.length ? alreadyBookedSentence(already.map((b) => ({ personName: b.personName, booking: b }))) : null].filter(Boolean).join('. ') || null;
    const openToBook = await this.sessions.canBookOnto(scope, id);
    return {
      view: 'sessions/show',
      order: [...rowFields('people'), 'organisationCode'],
      anchors: { employeeRef: 'people-1', employeeRefs: 'people-1' },
      model: {
        title: session.title,
        breadcrumbs: sessionCrumbs(session),
        session,
        timeText: timeText(session),
        booked: bookings.filter((b) => b.status === 'booked'),
        waitingList: bookings.filter((b) => b.status === 'waiting'),
        canManage,
        canBook: openToBook && scheduled && session.date >= today,
        canCancelBookings: scheduled,
        attendees: bookings.filter((b) => b.status === 'booked' && b.attendance === 'attended').length,
        canTakeRegister: canManage && closedReason(session, today) === null,
        canCancel: canManage && scheduled,
        feedback,
        closesText: formatLocal(feedback.closesAt),
        bookingForm: extras.bookingForm ?? {},
        flash,
        ...(await this.choices(scope)),
      },
    };
  }

  /**
   * "Book onto a session" for one person: the sessions of the level (L2 unless asked) that the
   * scope may book onto, still to come with places left; for e-learning, where it is done instead.
   */
  async bookPerson(scope: Scope, staffId: number, levelCode: string): Promise<FormPage> {
    const person = await this.bookings.bookable(scope, staffId);
    const levels = await this.levels.list();
    const level = levels.find((l) => l.code === levelCode) ?? levels.find((l) => l.code === WRAP_LEVEL) ?? levels[0];
    const name = `${person.firstName} ${person.lastName}`;
    const elearning = level.rank <= 1;
    const sessions = elearning ? [] : (await this.sessions.openWithPlaces(scope, level.code)).map((s) => ({ ...s, timeText: timeText(s) }));
    const current = (await this.bookings.upcomingFor(scope, [staffId])).get(staffId) ?? [];
    return {
      view: 'sessions/book-person',
      order: ['sessionId'],
      model: {
        title: `Book ${name} onto a ${level.code} session`,
        breadcrumbs: [{ text: 'Home', href: '/' }, { text: name, href: `/staff/${staffId}` }, { text: 'Book onto a session' }],
        person: { id: person.id, name, organisationName: person.organisation.name },
        level: { code: level.code, name: level.name },
        otherLevels: levels.filter((l) => l.rank > 1 && l.code !== level.code).map((l) => ({ code: l.code, name: l.name })),
        elearning: elearning ? PREVENT_ELEARNING : null,
        sessions: sessions.map((s) => ({ ...s, alreadyOn: current.some((c) => c.sessionId === s.id) })),
        current: current.filter((c) => c.levelCode === level.code),
      },
    };
  }

  /** The schedule or change form, filled with `form`. */
  async form(scope: Scope, session: SessionView | null, form: Record<string, unknown>): Promise<FormPage> {
    return {
      view: 'sessions/form',
      status: 422,
      order: SESSION_FORM_ORDER,
      anchors: SESSION_FORM_ANCHORS,
      ids: SESSION_FORM_IDS,
      model: {
        title: session ? `Change ${session.title}` : 'Schedule a session',
        breadcrumbs: session ? sessionCrumbs(session, 'Change') : [{ text: 'Sessions', href: '/sessions' }, { text: 'Schedule a session' }],
        action: session ? `/sessions/${session.id}/edit` : '/sessions/new',
        session,
        form,
        dateParts: 'date-day' in form || 'date-month' in form || 'date-year' in form ? datePartsOf(form, 'date') : partsOfIso(typeof form.date === 'string' ? form.date : null),
        ...(await this.choices(scope)),
      },
    };
  }

  /**
   * The register, with the choices as posted when it was refused; `everyoneAttended` starts every
   * booked person at "Attended" (then the trainer changes the few who did not come).
   */
  async registerPage(scope: Scope, id: number, form: Record<string, unknown> | null, everyoneAttended = false): Promise<FormPage> {
    const session = await this.sessions.view(await this.sessions.find(scope, id));
    const register = await this.register.get(scope, id);
    const entries = register.entries.map((e) => {
      const saved = e.status === 'booked' ? (everyoneAttended ? 'attended' : e.attendance) : null;
      const chosen = form ? form[`attendance-${e.id}`] : saved;
      return { ...e, attended: chosen === 'attended', noShow: chosen === 'no_show' };
    });
    return {
      view: 'sessions/register',
      order: [...entries.filter((e) => e.status === 'booked').map((e) => `attendance-${e.id}`), ...rowFields('walkIns'), 'walkInOrganisationCode'],
      anchors: { attended: 'walkIns-1', noShow: 'walkIns-1', organisationCode: 'walkInOrganisationCode' },
      model: {
        title: `Register: ${session.title}`,
        breadcrumbs: sessionCrumbs(session, 'Register'),
        session,
        register,
        booked: entries.filter((e) => e.status === 'booked'),
        waitingList: entries.filter((e) => e.status === 'waiting'),
        everyoneAttended,
        walkIns: postedRows(form?.walkIns),
        walkInOrganisationCode: text(form?.walkInOrganisationCode),
      },
    };
  }

  /** Levels that have sessions (not e-learning) and the organisations the scope may choose from. */
  async choices(scope: Scope) {
    const levels = (await this.levels.list()).filter((l) => l.rank > 1);
    const roots = scope.rootOrganisationId === null ? undefined : [scope.rootOrganisationId];
    const all = await this.organisations.list(roots);
    const top = Math.min(...all.map((o) => o.depth));
    // Indented with em spaces so the select reads as the tree (option text cannot hold markup).
    const organisations = all.map((o) => ({ code: o.code, name: `${'\u2003'.repeat(Math.max(0, o.depth - top))}${o.name}` }));
    return { levels, organisations };
  }
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** "09:30 to 12:30", or with the dates when a course runs over more than one day. */
function timeText(s: SessionView): string {
  if (dateOf(s.startsAt) === dateOf(s.endsAt)) return `${timeOf(s.startsAt)} to ${timeOf(s.endsAt)}`;
  return `${timeOf(s.startsAt)} on ${formatUkDate(dateOf(s.startsAt))} to ${timeOf(s.endsAt)} on ${formatUkDate(dateOf(s.endsAt))}`;
}

export function sessionCrumbs(session: { id: number; title: string }, last?: string) {
  const crumbs: { text: string; href?: string }[] = [
    { text: 'Home', href: '/' },
    { text: 'Sessions', href: '/sessions' },
    { text: session.title, href: last ? `/sessions/${session.id}` : undefined },
  ];
  if (last) crumbs.push({ text: last });
  return crumbs;
}
