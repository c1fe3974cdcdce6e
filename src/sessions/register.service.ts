import { ConflictException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import { FieldError } from '../common/field-error';
import { Completion } from '../completions/completion.entity';
import { Booking } from './booking.entity';
import { BookingsService } from './bookings.service';
import { RegisterDto, RegisterView } from './dto/booking.dto';
import { FeedbackService } from './feedback.service';
import { describePerson, SessionPeople } from './session-people';
import { dateOf } from './session-times';
import { SessionWrites } from './session-writes';
import { SessionsService } from './sessions.service';
import { TrainingSession } from './training-session.entity';
import { SessionMessages } from '../notifications/session-messages';
import { PeopleService, type PersonChoice } from '../people/people.service';

/**
 * The register: who attended and who did not. Saving it marks the session delivered and keeps the
 * attendees' completions (source "session") in step, in the same transaction.
 */
@Injectable()
export class RegisterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writes: SessionWrites,
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
    private readonly people: SessionPeople,
    private readonly feedback: FeedbackService,
    private readonly messages: SessionMessages,
    private readonly chooser: PeopleService,
  ) {}

  async get(scope: Scope, sessionId: number): Promise<RegisterView> {
    this.sessions.assertCanManage(scope);
    const session = await this.sessions.find(scope, sessionId);
    return this.view(this.dataSource.manager, session, 0, 0);
  }

  /** The register as a page posts it: a choice ('attended' or 'no_show') per booking id, and walk-ins as typed into the person boxes. */
  async saveChoices(scope: Scope, sessionId: number, choices: Record<string, string>, walkIns: PersonChoice[], organisationCode?: string): Promise<RegisterView> {
    const current = await this.get(scope, sessionId);
    // Everyone booked needs an answer: each one left out is named at their own question.
    const unanswered = current.open ? current.entries.filter((e) => e.status === 'booked' && !e.walkIn && !['attended', 'no_show'].includes(choices[String(e.id)])) : [];
    const problems = unanswered.map((e) => ({ field: `attendance-${e.id}`, message: `Say whether ${e.personName} (${e.employeeRef}) attended` }));
    // Walk-ins by name, "Name (REF)", reference or email; a box naming nobody, or several, is refused at that box in the same answer.
    let walkInRefs: string[] = [];
    try {
      walkInRefs = (await this.chooser.resolve(scope, walkIns, 'book')).map((p) => p.employeeRef);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(...error.problems);
    }
    if (problems.length > 0) throw FieldError.all(problems);
    const chosen = (choice: string) => current.entries.filter((e) => choices[String(e.id)] === choice).map((e) => e.employeeRef);
    return this.save(scope, sessionId, { attended: [...chosen('attended'), ...walkInRefs], noShow: chosen('no_show'), organisationCode });
  }

  async save(scope: Scope, sessionId: number, dto: RegisterDto): Promise<RegisterView> {
    this.sessions.assertCanManage(scope);
    return this.writes.transaction(async (m) => {
      await this.writes.lockSession(m, sessionId);
      const session = await this.sessions.find(scope, sessionId, m);
      const closed = closedReason(session);
      if (closed) throw new ConflictException(closed);

      const attendedRefs = [...new Set(dto.attended)];
      const noShowRefs = [...new Set(dto.noShow)];
      const inBoth = attendedRefs.filter((r) => noShowRefs.includes(r));
      if (inBoth.length > 0) throw new UnprocessableEntityException(`${inBoth.join(', ')}: in both attended and noShow; choose one`);

      const bookings = await m.find(Booking, { where: { sessionId }, relations: { staff: true }, order: { id: 'ASC' } });
      const bookingFor = (ref: string, field: string): Booking | null => {
        const matches = bookings.filter((b) => b.staff.employeeRef === ref);
        if (matches.length > 1) throw new FieldError(field, `${ref} names ${matches.length} people booked on this session`);
        return matches[0] ?? null;
      };

      const notBooked = noShowRefs.filter((ref) => bookingFor(ref, 'noShow')?.status !== 'booked');
      if (notBooked.length > 0) {
        throw new FieldError('noShow', `${notBooked.join(', ')} ${notBooked.length === 1 ? 'is' : 'are'} not booked on this session`);
      }
      const listed = new Set([...attendedRefs, ...noShowRefs]);
      const missing = bookings.filter((b) => b.status === 'booked' && !b.walkIn && !listed.has(b.staff.employeeRef));
      if (missing.length > 0) {
        throw new UnprocessableEntityException(
          `Say whether ${missing.length === 1 ? 'this booked person' : 'these booked people'} attended: ${missing.map((b) => describePerson(b.staff)).join(', ')}`,
        );
      }
      const walkInRefs = attendedRefs.filter((ref) => !bookingFor(ref, 'attended'));
      const walkIns = await this.people.resolveMany(scope, walkInRefs, dto.organisationCode, m, 'attended');
      const date = dateOf(session.startsAt);
      const leavers = walkIns.filter((p) => p.endDate !== null && p.endDate < date);
      if (leavers.length > 0) {
        throw new FieldError('attended', `${leavers.map((p) => `${describePerson(p)} left on ${formatUkDate(p.endDate)}`).join('; ')}`);
      }

      for (const b of bookings) {
        const ref = b.staff.employeeRef;
        if (attendedRefs.includes(ref)) {
          // Someone from the waiting list, or who had cancelled, came anyway: they count as a walk-in.
          const walkIn = b.status === 'booked' ? b.walkIn : true;
          await m.update(Booking, b.id, { status: 'booked', attendance: 'attended', walkIn });
        } else if (noShowRefs.includes(ref)) {
          await m.update(Booking, b.id, { attendance: 'no_show' });
        } else if (b.status === 'booked' && b.walkIn) {
          // A walk-in left off a corrected register was recorded by mistake.
          await m.delete(Booking, { id: b.id });
        }
      }
      for (const person of walkIns) {
        await m.insert(Booking, { sessionId, staffId: person.id, status: 'booked', attendance: 'attended', walkIn: true });
      }

      const { created, removed } = await this.syncCompletions(m, session, scope.recordedBy);
      await m.update(TrainingSession, sessionId, { status: 'delivered' });
      await this.feedback.ensureToken(m, session);
      await this.messages.attended(m, sessionId);
      return this.view(m, await this.sessions.load(sessionId, m), created, removed);
    });
  }

  /**
   * One completion per attendee at the session's level on its date, linked to the session. A person
   * who already holds a completion at that level on that date (recorded elsewhere) keeps that one;
   * completions this session made for people who are no longer attendees are removed.
   */
  private async syncCompletions(m: EntityManager, session: TrainingSession, recordedBy: string): Promise<{ created: number; removed: number }> {
    const date = dateOf(session.startsAt);
    const attendees = (await m.find(Booking, { where: { sessionId: session.id, status: 'booked', attendance: 'attended' } })).map((b) => b.staffId);
    const removal = await m.delete(Completion, attendees.length > 0 ? { sessionId: session.id, staffId: Not(In(attendees)) } : { sessionId: session.id });
    const held = attendees.length === 0 ? [] : await m.find(Completion, { where: { levelId: session.levelId, completedOn: date, staffId: In(attendees) } });
    const holders = new Set(held.map((c) => c.staffId));
    const toCreate = attendees.filter((id) => !holders.has(id));
    for (const staffId of toCreate) {
      await m.insert(Completion, {
        staffId,
        levelId: session.levelId,
        completedOn: date,
        source: 'session',
        evidence: `Attended "${session.title}" (session ${session.id})`,
        sessionId: session.id,
        recordedBy,
      });
    }
    return { created: toCreate.length, removed: removal.affected ?? 0 };
  }

  private async view(m: EntityManager, session: TrainingSession, created: number, removed: number): Promise<RegisterView> {
    const entries = await this.bookings.bookingsOf(m, session.id, ['booked', 'waiting']);
    const reason = closedReason(session);
    return {
      sessionId: session.id,
      status: session.status,
      open: reason === null,
      closedReason: reason,
      taken: session.status === 'delivered',
      entries,
      attended: entries.filter((e) => e.attendance === 'attended' && e.status === 'booked').length,
      noShows: entries.filter((e) => e.attendance === 'no_show' && e.status === 'booked').length,
      completionsCreated: created,
      completionsRemoved: removed,
    };
  }
}

/** Why the register cannot be taken now, or null when it can (on or after the day, not cancelled). */
export function closedReason(session: Pick<TrainingSession, 'status' | 'startsAt'>, today = todayIso()): string | null {
  if (session.status === 'cancelled') return 'This session was cancelled, so it has no register';
  const date = dateOf(session.startsAt);
  if (date > today) return `The register opens on the day of the session, ${formatUkDate(date)}`;
  return null;
}
