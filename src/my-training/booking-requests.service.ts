import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { within } from '../access/subtree';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { sql } from '../database/sql';
import { OutboxService } from '../notifications/outbox.service';
import { Booking } from '../sessions/booking.entity';
import { BookingsService } from '../sessions/bookings.service';
import { SessionsService } from '../sessions/sessions.service';
import { Staff } from '../staff/staff.entity';
import { BookingApprovalSetting, BookingRequest } from './booking-request.entity';

/** A request on a page: who, which session, when. */
export interface BookingRequestView {
  id: number;
  staffId: number;
  personName: string;
  employeeRef: string;
  organisationName: string;
  sessionId: number;
  sessionTitle: string;
  levelCode: string;
  date: string;
  hostOrganisationName: string;
  askedOn: string;
}

/**
 * "A manager approves bookings first": an administrator turns it on for an organisation (and
 * everything below it); a place a person there asks for from My training is then a request, not a
 * booking, until a manager, coordinator or administrator who can see them approves it (which
 * books them through BookingsService) or declines it (the person is told why).
 */
@Injectable()
export class BookingRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /** Whether places this person asks for wait for approval: their organisation, or one above it, has the setting. */
  async approvalNeeded(staffId: number, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = await sql(m, `SELECT 1 AS needed FROM staff s JOIN booking_approval_settings b ON ${within('s.organisation_id', 'b.organisation_id')} WHERE s.id = $1`, [staffId]);
    return rows.length > 0;
  }

  /** A person asks for a place on a session open to them; their manager is emailed. 'already' when they have a place or a request. */
  async request(scope: Scope, staffId: number, sessionId: number): Promise<'requested' | 'already'> {
    const session = await this.sessions.find(scope, sessionId, this.dataSource.manager, 'book');
    if (session.status !== 'scheduled' || session.startsAt.slice(0, 10) < todayIso(this.config.TIME_ZONE)) {
      throw new ConflictException('That session can no longer be booked');
    }
    return this.dataSource.transaction(async (m) => {
      const place = await m.findOne(Booking, { where: { sessionId, staffId } });
      if (place && place.status !== 'cancelled') return 'already';
      if (await m.exists(BookingRequest, { where: { sessionId, staffId, status: 'pending' } })) return 'already';
      const saved = await m.save(BookingRequest, { staffId, sessionId, status: 'pending' as const, bookingId: null, decidedBy: null, decidedAt: null, reason: null });
      const person = await m.findOneOrFail(Staff, { where: { id: staffId }, relations: { manager: true } });
      if (person.manager?.email) {
        await this.outbox.enqueue(m, {
          to: person.manager.email,
          subject: `${person.firstName} ${person.lastName} asks for a place on Prevent training`,
          text: [
            `Dear ${person.manager.firstName} ${person.manager.lastName},`,
            '',
            `${person.firstName} ${person.lastName} asks for a place on “${session.title}” (${session.level.code}) on ${formatUkDate(session.startsAt.slice(0, 10))}, run by ${session.hostOrganisation.name}.`,
            '',
            `Approve or decline it: ${this.config.PUBLIC_URL}/booking-requests`,
            '',
            'Prevent training tracker',
          ].join('\n'),
          key: `booking-request:${saved.id}`,
          kind: 'booking-request',
          personId: person.manager.id,
        });
      }
      return 'requested';
    });
  }

  /** A person's own requests still waiting. */
  async pendingOf(scope: Scope, staffId: number): Promise<BookingRequestView[]> {
    return (await this.query(scope).andWhere('r.staff_id = :staffId', { staffId }).andWhere("r.status = 'pending'").orderBy('ts.starts_at', 'ASC').getMany()).map(requestView);
  }

  /** Requests waiting from the people the scope can see, oldest first. */
  async queue(scope: Scope): Promise<BookingRequestView[]> {
    this.scopes.assertCanSeePeople(scope);
    return (await this.query(scope).andWhere("r.status = 'pending'").orderBy('r.id', 'ASC').getMany()).map(requestView);
  }

  /** Approves: the person is booked (a place, or the waiting list) by the approver, as the approver could book them. */
  async approve(scope: Scope, id: number): Promise<void> {
    const request = await this.pending(scope, id);
    const [result] = (await this.bookings.bookPerson(scope, request.sessionId, request.staffId)).results;
    await this.decide(this.dataSource.manager, scope, id, 'approved', { bookingId: result.booking.id });
  }

  /** Declines, with the reason sent to the person. */
  async decline(scope: Scope, id: number, reason: string | null): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.pending(scope, id, m);
      await this.decide(m, scope, id, 'declined', { reason });
      if (!request.staff.email) return;
      await this.outbox.enqueue(m, {
        to: request.staff.email,
        subject: `Your request for a place on ${request.session.title} was declined`,
        text: [
          `Dear ${request.staff.firstName} ${request.staff.lastName},`,
          '',
          `Your request for a place on “${request.session.title}” on ${formatUkDate(request.session.startsAt.slice(0, 10))} was declined by ${scope.actor?.displayName ?? 'your manager'}.`,
          ...(reason ? ['', 'The reason given:', reason] : []),
          '',
          `You can ask for a place on another session from My training: ${this.config.PUBLIC_URL}/my-training/sign-in`,
          '',
          'Prevent training tracker',
        ].join('\n'),
        key: `booking-request-declined:${request.id}`,
        kind: 'booking-request-declined',
        personId: request.staffId,
      });
    });
  }

  /** The organisations inside the scope's subtree where places wait for approval. */
  async settings(scope: Scope): Promise<{ code: string; name: string }[]> {
    const rows = await this.dataSource.getRepository(BookingApprovalSetting).find({ relations: { organisation: true } });
    const out: { code: string; name: string }[] = [];
    for (const row of rows) {
      if (row.organisation && (await this.scopes.organisationVisible(scope, row.organisationId))) out.push({ code: row.organisation.code, name: row.organisation.name });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Turns approval on or off for an organisation inside the scope's subtree (unknown or outside answers as unknown). */
  async set(scope: Scope, organisationCode: string, on: boolean): Promise<void> {
    this.scopes.assertCanEditFramework(scope);
    const organisation = await this.scopes.organisationField(scope, organisationCode, 'organisationCode');
    const repository = this.dataSource.getRepository(BookingApprovalSetting);
    if (on) await repository.save({ organisationId: organisation.id, setBy: scope.recordedBy, setAt: new Date().toISOString() });
    else await repository.delete({ organisationId: organisation.id });
  }

  private async pending(scope: Scope, id: number, m: EntityManager = this.dataSource.manager): Promise<BookingRequest> {
    const request = await this.query(scope, m).andWhere('r.id = :id', { id }).getOne();
    if (!request) throw new NotFoundException(`No booking request with id ${id}`);
    if (request.status !== 'pending') throw new ConflictException(`This request was already ${request.status}`);
    return request;
  }

  private async decide(m: EntityManager, scope: Scope, id: number, status: 'approved' | 'declined', extra: { bookingId?: number; reason?: string | null }): Promise<void> {
    const result = await m
      .createQueryBuilder()
      .update(BookingRequest)
      .set({ status, decidedBy: scope.actor?.displayName ?? 'system', decidedAt: new Date().toISOString(), ...extra })
      .where("id = :id AND status = 'pending'", { id })
      .execute();
    if (result.affected !== 1) throw new ConflictException('Someone else decided about this request at the same moment: check it again');
  }

  /** Requests of the people the scope may see. */
  private query(scope: Scope, m: EntityManager = this.dataSource.manager) {
    const visible = this.scopes.staffPredicate(scope, 's');
    return m
      .getRepository(BookingRequest)
      .createQueryBuilder('r')
      .innerJoinAndSelect('r.staff', 's')
      .innerJoinAndSelect('s.organisation', 'o')
      .innerJoinAndSelect('r.session', 'ts')
      .innerJoinAndSelect('ts.level', 'l')
      .innerJoinAndSelect('ts.hostOrganisation', 'h')
      .where(visible.sql, visible.params);
  }
}

function requestView(r: BookingRequest): BookingRequestView {
  return {
    id: r.id,
    staffId: r.staffId,
    personName: `${r.staff.firstName} ${r.staff.lastName}`,
    employeeRef: r.staff.employeeRef,
    organisationName: r.staff.organisation.name,
    sessionId: r.sessionId,
    sessionTitle: r.session.title,
    levelCode: r.session.level.code,
    date: r.session.startsAt.slice(0, 10),
    hostOrganisationName: r.session.hostOrganisation.name,
    askedOn: r.createdAt instanceof Date ? r.createdAt.toISOString().slice(0, 10) : String(r.createdAt).slice(0, 10),
  };
}
