import { BadRequestException, ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { formatUkDate, todayIso } from '../common/dates';
import { isUniqueViolation } from '../common/db-errors';
import { FieldError } from '../common/field-error';
import { assess, OVERDUE_STATUSES } from '../compliance/rules';
import { OrganisationsService } from '../organisations/organisations.service';
import { Staff } from '../staff/staff.entity';
import { Booking } from './booking.entity';
import { BookingOutcome, BookingView, BulkBookingView, CancelledBookingView, CreateBookingDto } from './dto/booking.dto';
import { recordsOf } from '../compliance/facts';
import { levelFacts, loadFramework, requirementFacts } from '../compliance/framework';
import { describePerson, SessionPeople } from './session-people';
import { dateOf } from './session-times';
import { SessionWrites } from './session-writes';
import { fillPlaces, SessionsService } from './sessions.service';
import { TrainingSession } from './training-session.entity';
import { SessionMessages } from '../notifications/session-messages';
import { PeopleService, type PersonChoice } from '../people/people.service';
import { subtreeIds } from '../access/subtree';

export interface PreviewPerson {
  staffId: number;
  name: string;
  employeeRef: string;
  organisationName: string;
}

export interface OverduePreview {
  willBook: PreviewPerson[];
  willWait: PreviewPerson[];
  already: (PreviewPerson & { waiting: boolean })[];
}

/** One of a person's bookings, with the session it is for. */
export interface PersonBookingView {
  bookingId: number;
  sessionId: number;
  sessionTitle: string;
  levelCode: string;
  levelName: string;
  date: string;
  hostOrganisationName: string;
  sessionStatus: TrainingSession['status'];
  status: Booking['status'];
  attendance: Booking['attendance'];
  /** The session is still to come (scheduled, today or later). */
  upcoming: boolean;
}

/** Places on sessions: booking people (one, several, or everyone overdue), the waiting list, cancelling. */
@Injectable()
export class BookingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writes: SessionWrites,
    private readonly scopes: ScopeService,
    private readonly sessions: SessionsService,
    private readonly people: SessionPeople,
    private readonly organisations: OrganisationsService,
    private readonly messages: SessionMessages,
    private readonly chooser: PeopleService,
  ) {}

  /** The session's booked people then its waiting list, limited to the people the scope can see. */
  async list(scope: Scope, sessionId: number): Promise<{ bookings: BookingView[]; othersNotShown: number }> {
    const session = await this.sessions.find(scope, sessionId, this.dataSource.manager, 'see');
    const all = await this.bookingsOf(this.dataSource.manager, sessionId, ['booked', 'waiting']);
    const visible = await this.visibleOnSession(scope, session, all);
    const bookings = all.filter((b) => visible.has(b.staffId));
    return { bookings, othersNotShown: all.length - bookings.length };
  }

  /** Books one person; answers 409 if they already have a place or are waiting. */
  async bookOne(scope: Scope, sessionId: number, employeeRef: string, organisationCode?: string): Promise<BookingView> {
    const [result] = (await this.book(scope, sessionId, { employeeRef, organisationCode })).results;
    if (result.outcome === 'already booked') {
      const where = result.booking.status === 'waiting' ? 'is already on the waiting list for' : 'is already booked on';
      throw new ConflictException(`${result.personName} (${result.employeeRef}) ${where} session ${sessionId}`);
    }
    return result.booking;
  }

  /**
   * Books people in the order given: a place while there is one, else the waiting list. Runs as
   * one transaction holding the session, so two coordinators cannot both take the last place.
   */
  async book(scope: Scope, sessionId: number, dto: CreateBookingDto & { peopleChoices?: PersonChoice[] }): Promise<BulkBookingView> {
    this.scopes.assertCanSeePeople(scope);
    const ways = [dto.employeeRef !== undefined, dto.employeeRefs !== undefined, dto.overdueFor === true, dto.peopleChoices !== undefined].filter(Boolean).length;
    if (ways !== 1) {
      throw new BadRequestException('Give exactly one of employeeRef, employeeRefs, or organisationCode with overdueFor: true');
    }
    return this.placePeople(scope, sessionId, (session, m) =>
      dto.overdueFor
        ? this.overduePeople(scope, session, dto.organisationCode, m)
        : dto.peopleChoices
          ? // The page's boxes: each a name, "Name (REF)", a reference or an email, refused at its own box.
            this.chooser.resolve(scope, dto.peopleChoices, 'book', m)
          : this.people.resolveMany(scope, dto.employeeRefs ?? [dto.employeeRef as string], dto.organisationCode, m, dto.employeeRefs ? 'employeeRefs' : 'employeeRef'),
    );
  }

  /** Books one person the scope can reach, chosen from a page (My team, their record) rather than typed. */
  async bookPerson(scope: Scope, sessionId: number, staffId: number): Promise<BulkBookingView> {
    this.scopes.assertCanSeePeople(scope);
    return this.placePeople(scope, sessionId, async (_session, m) => {
      const person = await m.findOne(Staff, { where: { id: staffId }, relations: { organisation: true } });
      if (!person || !(await this.people.reachable(scope, person, m))) throw new NotFoundException(`No person with id ${staffId}`);
      return [person];
    });
  }

  /** A person the scope may book onto sessions (anyone it can see; for a trainer also their organisation's people); 404 otherwise. */
  async bookable(scope: Scope, staffId: number): Promise<Staff> {
    this.scopes.assertCanSeePeople(scope);
    const person = await this.dataSource.manager.findOne(Staff, { where: { id: staffId }, relations: { organisation: true } });
    if (!person || !(await this.people.reachable(scope, person))) throw new NotFoundException(`No person with id ${staffId}`);
    return person;
  }

  /** In one transaction holding the session: finds the people, refuses leavers, and places them in order. */
  private async placePeople(scope: Scope, sessionId: number, find: (session: TrainingSession, m: EntityManager) => Promise<Staff[]>): Promise<BulkBookingView> {
    try {
      return await this.writes.transaction(async (m) => {
        await this.writes.lockSession(m, sessionId);
        const session = await this.sessions.find(scope, sessionId, m, 'book');
        assertBookable(session);
        const people = await find(session, m);
        const leavers = people.filter((p) => p.endDate !== null && p.endDate < session.startsAt.slice(0, 10));
        if (leavers.length > 0) {
          throw new UnprocessableEntityException(
            `${leavers.map((p) => `${describePerson(p)} left on ${formatUkDate(p.endDate)}`).join('; ')}: they cannot be booked on a session after that`,
          );
        }
        return this.placeAll(m, session, people);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('One of these people was booked on this session at the same moment: check the bookings and try again');
      throw error;
    }
  }

  /**
   * What "book everyone overdue" in an organisation would do now, without doing it: who would get
   * a place, who would join the waiting list, and who is already booked or waiting.
   */
  async previewOverdue(scope: Scope, sessionId: number, organisationCode: string): Promise<OverduePreview> {
    this.scopes.assertCanSeePeople(scope);
    const m = this.dataSource.manager;
    const session = await this.sessions.find(scope, sessionId, m, 'book');
    assertBookable(session);
    const people = await this.overduePeople(scope, session, organisationCode, m);
    const existing = new Map((await m.find(Booking, { where: { sessionId } })).map((b) => [b.staffId, b] as const));
    let free = session.capacity - [...existing.values()].filter((b) => b.status === 'booked').length;
    const preview: OverduePreview = { willBook: [], willWait: [], already: [] };
    for (const person of people) {
      const shown = { staffId: person.id, name: `${person.firstName} ${person.lastName}`, employeeRef: person.employeeRef, organisationName: person.organisation.name };
      const previous = existing.get(person.id);
      if (previous && previous.status !== 'cancelled') preview.already.push({ ...shown, waiting: previous.status === 'waiting' });
      else if (free > 0) {
        free -= 1;
        preview.willBook.push(shown);
      } else preview.willWait.push(shown);
    }
    return preview;
  }

  /** A person's bookings on sessions the scope may see, the latest session first. */
  async ofPerson(scope: Scope, staffId: number): Promise<PersonBookingView[]> {
    this.scopes.assertCanSeePeople(scope);
    if (!(await this.scopes.staffVisible(scope, staffId))) return [];
    return (await this.bookingsOfPeople(scope, [staffId], false)).get(staffId) ?? [];
  }

  /** Each of these people's places and waiting-list places on sessions still to come, soonest first. */
  async upcomingFor(scope: Scope, staffIds: number[]): Promise<Map<number, PersonBookingView[]>> {
    this.scopes.assertCanSeePeople(scope);
    return this.bookingsOfPeople(scope, staffIds, true);
  }

  private async bookingsOfPeople(scope: Scope, staffIds: number[], upcomingOnly: boolean): Promise<Map<number, PersonBookingView[]>> {
    const out = new Map<number, PersonBookingView[]>();
    if (staffIds.length === 0) return out;
    const visible = this.scopes.sessionPredicate(scope, 'ts', 'see', { alias: 'b', person: 'bp' });
    const today = todayIso();
    const rows: Booking[] = [];
    for (let i = 0; i < staffIds.length; i += 500) {
      const qb = this.dataSource
        .getRepository(Booking)
        .createQueryBuilder('b')
        .innerJoinAndSelect('b.session', 'ts')
        .innerJoinAndSelect('ts.level', 'l')
        .innerJoinAndSelect('ts.hostOrganisation', 'o')
        .innerJoin('b.staff', 'bp')
        .where('b.staff_id IN (:...staffIds)', { staffIds: staffIds.slice(i, i + 500) })
        .andWhere(visible.sql, visible.params);
      if (upcomingOnly) {
        qb.andWhere("b.status IN ('booked', 'waiting')").andWhere("ts.status = 'scheduled'").andWhere('ts.starts_at >= :today', { today });
      }
      rows.push(...(await qb.getMany()));
    }
    const direction = upcomingOnly ? 1 : -1;
    rows.sort((a, b) => direction * (a.session.startsAt.localeCompare(b.session.startsAt) || a.id - b.id));
    for (const b of rows) {
      const list = out.get(b.staffId) ?? [];
      list.push(personBookingView(b, today));
      out.set(b.staffId, list);
    }
    return out;
  }

  /** Cancels a booking; a freed place goes to the first person on the waiting list. */
  async cancel(scope: Scope, sessionId: number, bookingId: number): Promise<CancelledBookingView> {
    this.scopes.assertCanSeePeople(scope);
    return this.writes.transaction(async (m) => {
      await this.writes.lockSession(m, sessionId);
      const session = await this.sessions.find(scope, sessionId, m, 'see');
      const booking = await m.findOne(Booking, { where: { id: bookingId, sessionId } });
      if (!booking || !(await this.visibleOnSession(scope, session, [booking], m)).has(booking.staffId)) {
        throw new NotFoundException(`No booking with id ${bookingId} on session ${sessionId}`);
      }
      if (session.status === 'delivered') {
        throw new ConflictException(`Session ${sessionId} has been delivered: change its register instead of cancelling bookings`);
      }
      if (session.status === 'cancelled') throw new ConflictException(`Session ${sessionId} was cancelled, with all its bookings`);
      if (booking.status === 'cancelled') throw new ConflictException(`Booking ${bookingId} is already cancelled`);
      await m.update(Booking, booking.id, { status: 'cancelled' });
      const [promoted] = await fillPlaces(m, session);
      if (promoted) await this.messages.promoted(m, [promoted.id]);
      const views = await this.bookingsOf(m, sessionId, ['booked', 'waiting', 'cancelled']);
      const byId = (id: number) => views.find((v) => v.id === id) as BookingView;
      return { cancelled: byId(booking.id), promoted: promoted ? byId(promoted.id) : null };
    });
  }

  /** One booking on a session the scope can see (and a person it can see); 404 otherwise. */
  async get(scope: Scope, sessionId: number, bookingId: number, m: EntityManager = this.dataSource.manager): Promise<Booking> {
    const session = await this.sessions.find(scope, sessionId, m, 'see');
    const booking = await m.findOne(Booking, { where: { id: bookingId, sessionId }, relations: { staff: { organisation: true } } });
    if (!booking || !(await this.visibleOnSession(scope, session, [booking], m)).has(booking.staffId)) {
      throw new NotFoundException(`No booking with id ${bookingId} on session ${sessionId}`);
    }
    return booking;
  }

  /** Bookings of a session as views, booked people by name, then the waiting list in order, then cancellations. */
  async bookingsOf(m: EntityManager, sessionId: number, statuses: Booking['status'][]): Promise<BookingView[]> {
    const bookings = await m
      .getRepository(Booking)
      .createQueryBuilder('b')
      .innerJoinAndSelect('b.staff', 's')
      .innerJoinAndSelect('s.organisation', 'o')
      .where('b.session_id = :sessionId', { sessionId })
      .andWhere('b.status IN (:...statuses)', { statuses })
      .orderBy('b.id', 'ASC')
      .getMany();
    const waitingIds = bookings.filter((b) => b.status === 'waiting').map((b) => b.id);
    const rank = { booked: 0, waiting: 1, cancelled: 2 } as const;
    return bookings
      .sort(
        (a, b) =>
          rank[a.status] - rank[b.status] ||
          (a.status === 'waiting' ? a.id - b.id : 0) ||
          a.staff.lastName.localeCompare(b.staff.lastName) ||
          a.staff.firstName.localeCompare(b.staff.firstName) ||
          a.id - b.id,
      )
      .map((b) => bookingView(b, b.status === 'waiting' ? waitingIds.indexOf(b.id) + 1 : null));
  }

  /**
   * Staff ids among these bookings that the scope may see. Those who run the session (its
   * trainers, and coordinators over its host) see everyone on it; a manager sees their people.
   */
  /** Those who run the session see everyone on it; others only the people they can see. */
  private async visibleOnSession(
    scope: Scope,
    session: TrainingSession,
    bookings: { staffId: number }[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Set<number>> {
    const ids = [...new Set(bookings.map((b) => b.staffId))];
    if (await this.sessions.canManageSession(scope, session, m)) return new Set(ids);
    return this.people.reachableIds(scope, ids, m);
  }

  private async placeAll(m: EntityManager, session: TrainingSession, people: Staff[]): Promise<BulkBookingView> {
    const existing = new Map(
      (await m.find(Booking, { where: { sessionId: session.id } })).map((b) => [b.staffId, b] as const),
    );
    let taken = [...existing.values()].filter((b) => b.status === 'booked').length;
    const placed: { person: Staff; bookingId: number; outcome: BookingOutcome }[] = [];
    for (const person of people) {
      const previous = existing.get(person.id);
      if (previous && previous.status !== 'cancelled') {
        placed.push({ person, bookingId: previous.id, outcome: 'already booked' });
        continue;
      }
      // A cancelled booking is replaced, so the person joins the back of any waiting list.
      if (previous) await m.delete(Booking, { id: previous.id });
      const status = taken < session.capacity ? 'booked' : 'waiting';
      if (status === 'booked') taken += 1;
      const inserted = await m.insert(Booking, { sessionId: session.id, staffId: person.id, status, attendance: null, walkIn: false });
      existing.set(person.id, { id: inserted.identifiers[0].id, status } as Booking);
      placed.push({ person, bookingId: Number(inserted.identifiers[0].id), outcome: status });
    }
    await this.messages.booked(m, placed.filter((p) => p.outcome === 'booked').map((p) => p.bookingId));
    const views = new Map((await this.bookingsOf(m, session.id, ['booked', 'waiting'])).map((v) => [v.id, v]));
    const results = placed.map((p) => ({
      employeeRef: p.person.employeeRef,
      personName: `${p.person.firstName} ${p.person.lastName}`,
      outcome: p.outcome,
      booking: views.get(p.bookingId) as BookingView,
    }));
    return {
      booked: results.filter((r) => r.outcome === 'booked').length,
      waiting: results.filter((r) => r.outcome === 'waiting').length,
      alreadyBooked: results.filter((r) => r.outcome === 'already booked').length,
      results,
    };
  }

  /** Everyone in the organisation's subtree the scope can see who is overdue (expired or missing) for the session's level today. */
  private async overduePeople(scope: Scope, session: TrainingSession, organisationCode: string | undefined, m: EntityManager): Promise<Staff[]> {
    if (!organisationCode) throw new BadRequestException('overdueFor needs organisationCode: the organisation whose overdue people to book');
    const organisation = await this.organisations.resolveCode(organisationCode, 'organisationCode', m);
    if (!(await this.scopes.organisationVisible(scope, organisation.id, m))) {
      throw new FieldError('organisationCode', `no organisation with code ${organisationCode}`);
    }
    const today = todayIso();
    const inSubtree = await m
      .getRepository(Staff)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.organisation', 'o')
      .where(`s.organisation_id IN (${subtreeIds(':root', 'ov_c')})`, { root: organisation.id })
      .andWhere('s.start_date <= :today AND (s.end_date IS NULL OR s.end_date >= :today)', { today })
      .orderBy('s.last_name', 'ASC')
      .addOrderBy('s.first_name', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
    const reachable = await this.people.reachableIds(scope, inSubtree.map((s) => s.id), m);
    const candidates = inSubtree.filter((s) => reachable.has(s.id));
    const framework = await loadFramework(m);
    const levels = levelFacts(framework);
    const level = levels.find((l) => l.code === session.level.code);
    if (!level) return [];
    const requirements = requirementFacts(framework);
    const facts = await recordsOf(m, framework, candidates.map((s) => s.id));
    return candidates.filter((s) => {
      const f = facts.get(s.id);
      const assessment = f ? assess(f.fact, f.completions, level, levels, requirements, today) : null;
      return assessment !== null && OVERDUE_STATUSES.includes(assessment.status);
    });
  }
}

function assertBookable(session: TrainingSession): void {
  if (session.status === 'cancelled') throw new ConflictException(`Session ${session.id} was cancelled: people cannot be booked on it`);
  if (session.status === 'delivered') {
    throw new ConflictException(`Session ${session.id} has been delivered: add people who came to its register as walk-ins`);
  }
  if (dateOf(session.startsAt) < todayIso()) {
    throw new ConflictException(`Session ${session.id} took place on ${formatUkDate(dateOf(session.startsAt))}: add people who came to its register as walk-ins`);
  }
}

export function bookingView(b: Booking, waitingPosition: number | null): BookingView {
  return {
    id: b.id,
    sessionId: b.sessionId,
    staffId: b.staffId,
    employeeRef: b.staff.employeeRef,
    personName: `${b.staff.firstName} ${b.staff.lastName}`,
    organisationCode: b.staff.organisation.code,
    email: b.staff.email,
    status: b.status,
    attendance: b.attendance,
    walkIn: Boolean(b.walkIn),
    waitingPosition,
  };
}

function personBookingView(b: Booking, today: string): PersonBookingView {
  return {
    bookingId: b.id,
    sessionId: b.sessionId,
    sessionTitle: b.session.title,
    levelCode: b.session.level.code,
    levelName: b.session.level.name,
    date: dateOf(b.session.startsAt),
    hostOrganisationName: b.session.hostOrganisation.name,
    sessionStatus: b.session.status,
    status: b.status,
    attendance: b.attendance,
    upcoming: b.session.status === 'scheduled' && dateOf(b.session.startsAt) >= today,
  };
}
