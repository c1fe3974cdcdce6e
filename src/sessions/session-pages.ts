import { Injectable } from '@nestjs/common';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import type { FormPage } from '../common/form-page';
import { LevelsService } from '../levels/levels.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { BookingsService } from './bookings.service';
import { SESSION_FORM_ANCHORS, SESSION_FORM_ORDER } from './dto/session-form.dto';
import { SessionView } from './dto/session.dto';
import { FeedbackService } from './feedback.service';
import { closedReason, RegisterService } from './register.service';
import { dateOf, formatLocal, timeOf } from './session-times';
import { SessionsService } from './sessions.service';

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

  /** A session's page, with the booking form as posted when it was refused. */
  async show(scope: Scope, id: number, extras: { flash?: string | null; bookingForm?: Record<string, unknown> } = {}): Promise<FormPage> {
    const { bookings, othersNotShown } = await this.bookings.list(scope, id);
    const session = await this.sessions.detail(scope, id, bookings, othersNotShown);
    const today = todayIso();
    const canManage = session.canManage;
    const scheduled = session.status === 'scheduled';
    const feedback = await this.feedback.summary(scope, id);
    return {
      view: 'sessions/show',
      order: ['employeeRefs', 'organisationCode'],
      anchors: { employeeRef: 'employeeRefs' },
      model: {
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
        bookingForm: extras.bookingForm ?? {},
        flash: extras.flash ?? null,
        ...(await this.choices(scope)),
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
      model: {
        title: session ? `Change ${session.title}` : 'Schedule a session',
        breadcrumbs: session ? sessionCrumbs(session, 'Change') : [{ text: 'Sessions', href: '/sessions' }, { text: 'Schedule a session' }],
        action: session ? `/sessions/${session.id}/edit` : '/sessions/new',
        session,
        form,
        ...(await this.choices(scope)),
      },
    };
  }

  /** The register, with the choices as posted when it was refused. */
  async registerPage(scope: Scope, id: number, form: Record<string, unknown> | null): Promise<FormPage> {
    const session = await this.sessions.view(await this.sessions.find(scope, id));
    const register = await this.register.get(scope, id);
    const entries = register.entries.map((e) => {
      const chosen = form ? form[`attendance-${e.id}`] : e.status === 'booked' ? e.attendance : null;
      return { ...e, attended: chosen === 'attended', noShow: chosen === 'no_show' };
    });
    return {
      view: 'sessions/register',
      order: ['walkIns', 'walkInOrganisationCode'],
      anchors: { attended: 'walkIns', noShow: 'walkIns', organisationCode: 'walkInOrganisationCode' },
      model: {
        title: `Register: ${session.title}`,
        breadcrumbs: sessionCrumbs(session, 'Register'),
        session,
        register,
        booked: entries.filter((e) => e.status === 'booked'),
        waitingList: entries.filter((e) => e.status === 'waiting'),
        walkIns: text(form?.walkIns),
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
