import { ConflictException, ForbiddenException, HttpStatus, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { ScopeService, SessionPurpose } from '../access/scope.service';
import { addDays, formatUkDate } from '../common/dates';
import { FieldError } from '../common/field-error';
import { notFound } from '../common/http-errors';
import { Page, pageOf } from '../common/paging';
import { meets } from '../compliance/rules';
import { Level } from '../levels/level.entity';
import { LevelsService } from '../levels/levels.service';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import { Staff } from '../staff/staff.entity';
import { Booking } from './booking.entity';
import { BookingView } from './dto/booking.dto';
import {
  CancelledSessionView,
  CreateSessionDto,
  PersonToTell,
  SessionDetailView,
  SessionQuery,
  SessionView,
  UpdateSessionDto,
} from './dto/session.dto';
import { recordsOf } from '../compliance/facts';
import { levelFacts, loadFramework } from '../compliance/framework';
import { describePerson, SessionPeople } from './session-people';
import { dateOf, nowLocal } from './session-times';
import { SessionWrites } from './session-writes';
import { TrainingSession } from './training-session.entity';
import { SessionMessages } from '../notifications/session-messages';
import { PeopleService, type PersonChoice } from '../people/people.service';
import { subtreeIds } from '../access/subtree';

/** What the session form adds to the API's fields: the trainers as typed into its person boxes. */
export interface SessionChanges {
  trainerChoices?: PersonChoice[];
}

/** The level whose valid completion qualifies a person to deliver WRAP (DOMAIN.md). */
export const TRAINER_LEVEL = 'L3';
/** The level of WRAP workshops, whose trainers must hold a valid TRAINER_LEVEL. */
export const WRAP_LEVEL = 'L2';

interface BookingCounts {
  booked: number;
  waiting: number;
  attended: number;
  noShows: number;
}

const NO_COUNTS: BookingCounts = { booked: 0, waiting: 0, attended: 0, noShows: 0 };

/** Scheduling sessions: the programme, its trainers, and cancelling a session. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writes: SessionWrites,
    private readonly scopes: ScopeService,
    private readonly people: SessionPeople,
    private readonly levels: LevelsService,
    private readonly organisations: OrganisationsService,
    private readonly messages: SessionMessages,
    private readonly chooser: PeopleService,
  ) {}

  /** Whether the scope may change sessions and take registers (managers may only book people). */
  canManage(scope: Scope): boolean {
    return ['system', 'admin', 'coordinator', 'trainer'].includes(scope.role);
  }

  /** Whether the scope may change this session: its role can, and the session is hosted inside its subtree. */
  async canManageSession(scope: Scope, session: TrainingSession, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (!this.canManage(scope)) return false;
    return scope.role === 'trainer' || this.scopes.organisationVisible(scope, session.hostOrganisationId, m);
  }

  /** Whether the scope may book people onto this session: hosted inside its subtree or above it (or one it trains). */
  async canBookOnto(scope: Scope, sessionId: number, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const open = this.scopes.sessionPredicate(scope, 'ts', 'book');
    const found = await m.getRepository(TrainingSession).createQueryBuilder('ts').where('ts.id = :id', { id: sessionId }).andWhere(open.sql, open.params).getCount();
    return found > 0;
  }

  assertCanManage(scope: Scope): void {
    this.scopes.assertCanSeePeople(scope);
    if (!this.canManage(scope)) {
      throw new ForbiddenException('Your account can book people onto sessions but cannot change sessions or take registers');
    }
  }

  /** A session the scope may see, with its level, host and trainers; 404 otherwise. */
  async find(scope: Scope, id: number, m: EntityManager = this.dataSource.manager, purpose: SessionPurpose = 'manage'): Promise<TrainingSession> {
    this.scopes.assertCanSeePeople(scope);
    const visible = this.scopes.sessionPredicate(scope, 'ts', purpose);
    const session = await this.withRelations(m)
      .where('ts.id = :id', { id })
      .andWhere(visible.sql, visible.params)
      .getOne();
    if (!session) throw notFound('session', id);
    return session;
  }

  async list(scope: Scope, query: SessionQuery): Promise<Page<SessionView>> {
    const qb = await this.filtered(scope, query);
    const now = nowLocal();
    if (query.when === 'upcoming') qb.andWhere('ts.ends_at >= :now', { now });
    if (query.when === 'past') qb.andWhere('ts.ends_at < :now', { now });
    const direction = query.when === 'upcoming' ? 'ASC' : 'DESC';
    qb.orderBy('ts.startsAt', direction).addOrderBy('ts.id', direction);
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [sessions, total] = await qb.getManyAndCount();
    return pageOf(await this.views(sessions), total, query);
  }

  /** Every session the scope may see from one date to another (inclusive), for the month view. */
  async between(scope: Scope, from: string, to: string, query: Omit<SessionQuery, 'when' | 'page' | 'pageSize'>): Promise<SessionView[]> {
    const qb = await this.filtered(scope, { ...query, from, to });
    qb.orderBy('ts.startsAt', 'ASC').addOrderBy('ts.id', 'ASC');
    return this.views(await qb.getMany());
  }

  /** Sessions of a level the scope may book people onto that are still to come and have places left, soonest first. */
  async openWithPlaces(scope: Scope, levelCode: string): Promise<SessionView[]> {
    const qb = await this.filtered(scope, { level: levelCode, status: 'scheduled' }, 'book');
    qb.andWhere('ts.starts_at >= :now', { now: nowLocal() }).orderBy('ts.startsAt', 'ASC').addOrderBy('ts.id', 'ASC');
    return (await this.views(await qb.getMany())).filter((s) => s.placesLeft > 0);
  }

  async detail(scope: Scope, id: number, bookings: BookingView[], othersNotShown: number): Promise<SessionDetailView> {
    const session = await this.find(scope, id, this.dataSource.manager, 'see');
    const [view] = await this.views([session]);
    return { ...view, canManage: await this.canManageSession(scope, session), bookings, othersNotShown };
  }

  async view(session: TrainingSession, m: EntityManager = this.dataSource.manager): Promise<SessionView> {
    return (await this.views([session], m))[0];
  }

  async create(scope: Scope, dto: CreateSessionDto & SessionChanges): Promise<SessionView> {
    this.assertCanManage(scope);
    return this.writes.transaction(async (m) => {
      const session = m.create(TrainingSession, {
        status: 'scheduled',
        venue: null,
        onlineLink: null,
        notes: null,
        externalTrainer: null,
        trainers: [],
        feedbackToken: null,
        feedbackClosesAt: null,
      });
      await this.apply(scope, session, dto, m, true);
      const saved = await m.save(TrainingSession, session);
      return this.view(await this.load(saved.id, m), m);
    });
  }

  async update(scope: Scope, id: number, dto: UpdateSessionDto & SessionChanges): Promise<SessionView> {
    this.assertCanManage(scope);
    return this.writes.transaction(async (m) => {
      await this.writes.lockSession(m, id);
      const session = await this.find(scope, id, m);
      await this.apply(scope, session, dto, m, false);
      await m.save(TrainingSession, session);
      await this.messages.promoted(m, (await fillPlaces(m, session)).map((b) => b.id));
      return this.view(await this.load(id, m), m);
    });
  }

  /** Cancels the session and its bookings, emails the people who were on it, and lists them. A delivered session cannot be cancelled. */
  async cancel(scope: Scope, id: number): Promise<CancelledSessionView> {
    this.assertCanManage(scope);
    return this.writes.transaction(async (m) => {
      await this.writes.lockSession(m, id);
      const session = await this.find(scope, id, m);
      if (session.status === 'cancelled') throw new ConflictException(`Session ${id} is already cancelled`);
      if (session.status === 'delivered') {
        throw new ConflictException(`Session ${id} has been delivered, so it cannot be cancelled: correct its register instead`);
      }
      const bookings = await m.find(Booking, {
        where: [
          { sessionId: id, status: 'booked' },
          { sessionId: id, status: 'waiting' },
        ],
        relations: { staff: { organisation: true } },
        order: { id: 'ASC' },
      });
      const people = [
        ...bookings.map((b) => ({ staff: b.staff, was: b.status === 'waiting' ? ('waiting' as const) : ('booked' as const) })),
        ...session.trainers.map((t) => ({ staff: t, was: 'trainer' as const })),
      ];
      const notice = await this.messages.cancelled(m, id, people);
      const peopleToTell: PersonToTell[] = people.map((p) => ({ ...personToTell(p.staff, p.was), emailed: !notice.withoutEmail.includes(p.staff.id) }));
      await m.update(Booking, { sessionId: id, status: 'booked' }, { status: 'cancelled' });
      await m.update(Booking, { sessionId: id, status: 'waiting' }, { status: 'cancelled' });
      await m.update(TrainingSession, id, { status: 'cancelled' });
      return { session: await this.view(await this.load(id, m), m), peopleToTell, emailed: notice.emailed, withoutEmail: notice.withoutEmail.length };
    });
  }

  /** A session by id whatever the scope: only for re-reading a session the caller has just written. */
  async load(id: number, m: EntityManager): Promise<TrainingSession> {
    const session = await this.withRelations(m).where('ts.id = :id', { id }).getOne();
    if (!session) throw notFound('session', id);
    return session;
  }

  private withRelations(m: EntityManager) {
    return m
      .getRepository(TrainingSession)
      .createQueryBuilder('ts')
      .innerJoinAndSelect('ts.level', 'l')
      .innerJoinAndSelect('ts.hostOrganisation', 'o')
      .leftJoinAndSelect('ts.trainers', 'tr')
      .leftJoinAndSelect('tr.organisation', 'tro');
  }

  private async filtered(scope: Scope, query: Partial<SessionQuery>, purpose: SessionPurpose = 'see') {
    this.scopes.assertCanSeePeople(scope);
    const visible = this.scopes.sessionPredicate(scope, 'ts', purpose);
    const qb = this.withRelations(this.dataSource.manager).where(visible.sql, visible.params);
    if (query.level) qb.andWhere('ts.level_id = :levelId', { levelId: (await this.levels.getByCode(query.level)).id });
    if (query.organisation) {
      const root = await this.scopes.organisation(scope, query.organisation);
      qb.andWhere(`ts.host_organisation_id IN (${subtreeIds(':hostRoot', 'f_c')})`, {
        hostRoot: root.id,
      });
    }
    if (query.trainer) {
      qb.andWhere(
        'ts.id IN (SELECT f_st.session_id FROM session_trainers f_st JOIN staff f_s ON f_s.id = f_st.staff_id WHERE f_s.employee_ref = :trainerRef)',
        { trainerRef: query.trainer.trim() },
      );
    }
    if (query.trainerStaffId !== undefined) {
      qb.andWhere('ts.id IN (SELECT f_st.session_id FROM session_trainers f_st WHERE f_st.staff_id = :trainerStaffId)', { trainerStaffId: query.trainerStaffId });
    }
    if (query.status) qb.andWhere('ts.status = :status', { status: query.status });
    if (query.from) qb.andWhere('ts.starts_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('ts.starts_at < :toNext', { toNext: addDays(query.to, 1) });
    return qb;
  }

  private async views(sessions: TrainingSession[], m: EntityManager = this.dataSource.manager): Promise<SessionView[]> {
    const counts = await bookingCounts(m, sessions.map((s) => s.id));
    return sessions.map((s) => sessionView(s, counts.get(s.id) ?? NO_COUNTS));
  }

  /** Applies a create or update payload, checking every rule a session must meet. */
  private async apply(scope: Scope, session: TrainingSession, dto: UpdateSessionDto & SessionChanges, m: EntityManager, isNew: boolean): Promise<void> {
    if (session.status === 'cancelled') throw new ConflictException(`Session ${session.id} was cancelled, so it can no longer be changed`);
    const before = { levelId: session.levelId, date: session.startsAt ? dateOf(session.startsAt) : null };

    if (dto.levelCode !== undefined) session.level = await this.sessionLevel(dto.levelCode);
    if (session.level) session.levelId = session.level.id;
    if (dto.title !== undefined) session.title = dto.title;
    if (dto.startsAt !== undefined) session.startsAt = dto.startsAt;
    if (dto.endsAt !== undefined) session.endsAt = dto.endsAt;
    if (dto.venue !== undefined) session.venue = dto.venue || null;
    if (dto.onlineLink !== undefined) session.onlineLink = dto.onlineLink || null;
    if (dto.notes !== undefined) session.notes = dto.notes || null;
    if (dto.externalTrainer !== undefined) session.externalTrainer = dto.externalTrainer || null;
    if (dto.hostOrganisationCode !== undefined) session.hostOrganisation = await this.hostOrganisation(scope, dto.hostOrganisationCode, m);
    if (session.hostOrganisation) session.hostOrganisationId = session.hostOrganisation.id;
    // The form's trainer boxes: names (or "Name (REF)", references, emails) resolved where each was typed.
    if (dto.trainerChoices !== undefined) session.trainers = await this.chooser.resolve(scope, dto.trainerChoices, 'train', m);
    if (dto.trainerEmployeeRefs !== undefined) {
      const refs = [...new Set(dto.trainerEmployeeRefs)];
      session.trainers = await this.people.resolveMany(scope, refs, dto.trainerOrganisationCode, m, 'trainerEmployeeRefs');
    }
    if (dto.capacity !== undefined) {
      if (!isNew) {
        const taken = (await bookingCounts(m, [session.id])).get(session.id)?.booked ?? 0;
        if (dto.capacity < taken) {
          throw new FieldError('capacity', `${taken} people already have a place; cancel bookings before lowering the capacity below ${taken}`, HttpStatus.CONFLICT);
        }
      }
      session.capacity = dto.capacity;
    }

    if (session.endsAt <= session.startsAt) throw new FieldError('endsAt', 'The end time must be after the start time');
    if (!session.venue && !session.onlineLink) throw new FieldError('venue', 'Enter a venue or an online link (or both)');
    if (session.status === 'delivered' && (session.levelId !== before.levelId || dateOf(session.startsAt) !== before.date)) {
      throw new ConflictException(
        `Session ${session.id} has been delivered and its attendees' completions are recorded for its level and date: those cannot change now`,
      );
    }
    const trainersChanged = isNew || dto.trainerEmployeeRefs !== undefined || dto.trainerChoices !== undefined || dto.externalTrainer !== undefined;
    const whenOrWhatChanged = isNew || session.levelId !== before.levelId || dateOf(session.startsAt) !== before.date;
    if (trainersChanged || whenOrWhatChanged) await this.checkTrainers(scope, session, m);
  }

  private async sessionLevel(code: string): Promise<Level> {
    const level = await this.levels.resolveCode(code);
    if (level.rank <= 1) {
      throw new FieldError(
        'levelCode',
        `${code} is e-learning and has no sessions; sessions are for ${WRAP_LEVEL} (WRAP workshops) and ${TRAINER_LEVEL} (train the trainer)`,
      );
    }
    return level;
  }

  private async hostOrganisation(scope: Scope, code: string, m: EntityManager): Promise<Organisation> {
    const organisation = await this.organisations.resolveCode(code, 'hostOrganisationCode', m);
    if (!(await this.scopes.organisationVisible(scope, organisation.id, m))) {
      throw new FieldError('hostOrganisationCode', `no organisation with code ${code}`);
    }
    return organisation;
  }

  /**
   * WRAP (L2) is delivered by people holding a valid L3 on the day; an L3 course may be run by an
   * external trainer instead. A trainer account may only schedule sessions it trains itself.
   */
  private async checkTrainers(scope: Scope, session: TrainingSession, m: EntityManager): Promise<void> {
    const trainers = session.trainers ?? [];
    const date = dateOf(session.startsAt);
    if (session.level.code === TRAINER_LEVEL || session.level.rank > (await this.trainerLevelRank(m))) {
      if (trainers.length === 0 && !session.externalTrainer) {
        throw new FieldError('trainerEmployeeRefs', 'name at least one trainer, or the external trainer who will run it');
      }
    } else {
      if (session.externalTrainer) {
        throw new FieldError(
          'externalTrainer',
          `only an ${TRAINER_LEVEL} session may name an external trainer; a WRAP (${session.level.code}) trainer must hold a valid ${TRAINER_LEVEL}`,
        );
      }
      if (trainers.length === 0) {
        throw new FieldError('trainerEmployeeRefs', `a ${session.level.code} session needs at least one trainer holding a valid ${TRAINER_LEVEL}`);
      }
      const framework = await loadFramework(m);
      const levels = levelFacts(framework);
      const trainerLevel = levels.find((l) => l.code === TRAINER_LEVEL);
      if (!trainerLevel) throw new UnprocessableEntityException(`The framework has no level ${TRAINER_LEVEL}, so no one can deliver WRAP`);
      const records = await recordsOf(m, framework, trainers.map((t) => t.id));
      const unqualified = trainers.filter((t) => !meets(records.get(t.id)?.completions ?? [], trainerLevel, levels, date));
      if (unqualified.length > 0) {
        const names = unqualified.map(describePerson).join(', ');
        throw new FieldError(
          'trainerEmployeeRefs',
          `${names} ${unqualified.length === 1 ? 'does' : 'do'} not hold a valid ${TRAINER_LEVEL} on ${formatUkDate(date)}, so cannot deliver WRAP`,
        );
      }
    }
    const me = scope.actor?.staffId ?? null;
    if (scope.role === 'trainer' && !trainers.some((t) => t.id === me)) {
      throw new FieldError('trainerEmployeeRefs', 'your account can only schedule sessions you train: add your own employee reference');
    }
  }

  private async trainerLevelRank(m: EntityManager): Promise<number> {
    const level = await m.findOne(Level, { where: { code: TRAINER_LEVEL } });
    return level?.rank ?? Number.MAX_SAFE_INTEGER;
  }
}

/** Moves people up from the waiting list, in the order they joined it, while places are free. */
export async function fillPlaces(m: EntityManager, session: Pick<TrainingSession, 'id' | 'capacity' | 'status'>): Promise<Booking[]> {
  if (session.status !== 'scheduled') return [];
  const taken = await m.count(Booking, { where: { sessionId: session.id, status: 'booked' } });
  const free = session.capacity - taken;
  if (free <= 0) return [];
  const promoted = await m.find(Booking, { where: { sessionId: session.id, status: 'waiting' }, order: { id: 'ASC' }, take: free });
  for (const booking of promoted) {
    booking.status = 'booked';
    await m.update(Booking, booking.id, { status: 'booked' });
  }
  return promoted;
}

export async function bookingCounts(m: EntityManager, sessionIds: number[]): Promise<Map<number, BookingCounts>> {
  const counts = new Map<number, BookingCounts>();
  if (sessionIds.length === 0) return counts;
  const rows = await m
    .createQueryBuilder()
    .select(['b.session_id AS session_id', 'b.status AS status', 'b.attendance AS attendance', 'COUNT(*) AS n'])
    .from('bookings', 'b')
    .where('b.session_id IN (:...sessionIds)', { sessionIds })
    .groupBy('b.session_id')
    .addGroupBy('b.status')
    .addGroupBy('b.attendance')
    .getRawMany<{ session_id: number; status: string; attendance: string | null; n: number | string }>();
  for (const r of rows) {
    const c = counts.get(Number(r.session_id)) ?? { ...NO_COUNTS };
    const n = Number(r.n);
    if (r.status === 'booked') c.booked += n;
    if (r.status === 'waiting') c.waiting += n;
    if (r.status === 'booked' && r.attendance === 'attended') c.attended += n;
    if (r.status === 'booked' && r.attendance === 'no_show') c.noShows += n;
    counts.set(Number(r.session_id), c);
  }
  return counts;
}

export function sessionView(s: TrainingSession, counts: BookingCounts): SessionView {
  return {
    id: s.id,
    levelCode: s.level.code,
    levelName: s.level.name,
    title: s.title,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    date: dateOf(s.startsAt),
    venue: s.venue,
    onlineLink: s.onlineLink,
    hostOrganisationCode: s.hostOrganisation.code,
    hostOrganisationName: s.hostOrganisation.name,
    capacity: s.capacity,
    status: s.status,
    notes: s.notes,
    externalTrainer: s.externalTrainer,
    trainers: [...(s.trainers ?? [])]
      .sort((a, b) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName))
      .map((t) => ({ staffId: t.id, employeeRef: t.employeeRef, name: `${t.firstName} ${t.lastName}`, organisationCode: t.organisation?.code ?? '' })),
    booked: counts.booked,
    waiting: counts.waiting,
    placesLeft: Math.max(0, s.capacity - counts.booked),
    attended: counts.attended,
    noShows: counts.noShows,
    feedbackClosesAt: s.feedbackClosesAt,
  };
}

function personToTell(s: Staff, was: PersonToTell['was']): Omit<PersonToTell, 'emailed'> {
  return {
    staffId: s.id,
    employeeRef: s.employeeRef,
    name: `${s.firstName} ${s.lastName}`,
    email: s.email,
    organisationCode: s.organisation?.code ?? '',
    was,
  };
}
