import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Scope } from '../auth/scope';
import { ComplianceService } from '../compliance/compliance.service';
import { EvidenceService } from '../evidence/evidence.service';
import { LevelsService } from '../levels/levels.service';
import { PREVENT_ELEARNING } from '../sessions/booking-offers';
import { BookingsService } from '../sessions/bookings.service';
import { DocumentsService } from '../sessions/documents.service';
import { SessionsService } from '../sessions/sessions.service';
import { Staff } from '../staff/staff.entity';
import { BookingRequestsService } from './booking-requests.service';
import { MessagePreferencesService } from './message-preferences.service';

/** Statuses that mean the person lacks the level now or soon, so sessions of it are offered. */
const LACKING = ['expired', 'missing', 'expiring', 'pending'];

/**
 * "My training" for a person signed in by a link: everything goes through the services the
 * accounts use, with the person's own Scope (ScopeService limits it to their record, and to the
 * sessions open to their organisation for booking), so nothing here decides access itself.
 */
@Injectable()
export class MyTrainingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly compliance: ComplianceService,
    private readonly bookings: BookingsService,
    private readonly sessions: SessionsService,
    private readonly documents: DocumentsService,
    private readonly levels: LevelsService,
    private readonly evidence: EvidenceService,
    private readonly preferences: MessagePreferencesService,
    private readonly requests: BookingRequestsService,
  ) {}

  staffId(scope: Scope): number {
    if (!scope.isPerson || !scope.actor?.staffId) throw new NotFoundException('My training is for the person signed in by a link');
    return scope.actor.staffId;
  }

  /** Everything the My training page shows. */
  async page(scope: Scope) {
    const staffId = this.staffId(scope);
    const person = await this.dataSource.getRepository(Staff).findOneOrFail({ where: { id: staffId }, relations: { organisation: true } });
    const status = await this.compliance.statusSection(scope, staffId);
    const levels = status?.levels ?? [];
    const all = await this.bookings.ofPerson(scope, staffId);
    const upcoming = all.filter((b) => b.upcoming && (b.status === 'booked' || b.status === 'waiting')).reverse();
    const certificates = all.filter((b) => b.sessionStatus === 'delivered' && b.status === 'booked' && b.attendance === 'attended');
    const frameworkLevels = await this.levels.list();
    const rank = new Map(frameworkLevels.map((l) => [l.code, l.rank]));
    const lacking = levels.filter((l) => LACKING.includes(l.status));
    const sessionLevels = lacking.filter((l) => (rank.get(l.level) ?? 0) > 1);
    const requested = await this.requests.pendingOf(scope, staffId);
    const open = [];
    for (const level of sessionLevels) {
      for (const s of await this.sessions.openWithPlaces(scope, level.level)) {
        if (!upcoming.some((b) => b.sessionId === s.id) && !requested.some((r) => r.sessionId === s.id)) open.push(s);
      }
    }
    open.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id - b.id);
    return {
      person: { name: `${person.firstName} ${person.lastName}`, organisationName: person.organisation.name, email: person.email },
      status,
      upcoming,
      requested,
      approvalNeeded: await this.requests.approvalNeeded(staffId),
      certificates,
      open,
      elearning: lacking.some((l) => (rank.get(l.level) ?? 0) <= 1) ? PREVENT_ELEARNING : null,
      evidence: await this.evidence.ofPerson(scope),
      optionalMessages: await this.preferences.wantsOptional(staffId),
    };
  }

  /**
   * Books the person onto a session open to them (a place, or the waiting list when it is full);
   * where their organisation has managers approve bookings first, asks for the place instead.
   */
  async book(scope: Scope, sessionId: number): Promise<'booked' | 'waiting' | 'already' | 'requested'> {
    const staffId = this.staffId(scope);
    if (await this.requests.approvalNeeded(staffId)) return this.requests.request(scope, staffId, sessionId);
    const [result] = (await this.bookings.bookPerson(scope, sessionId, staffId)).results;
    return result.outcome === 'already booked' ? 'already' : result.outcome;
  }

  /** One of the person's own upcoming places, for the page that asks before cancelling it. */
  async place(scope: Scope, bookingId: number) {
    const staffId = this.staffId(scope);
    const place = (await this.bookings.ofPerson(scope, staffId)).find((b) => b.bookingId === bookingId && b.upcoming && b.status !== 'cancelled');
    if (!place) throw new NotFoundException(`No booking with id ${bookingId}`);
    return place;
  }

  async cancel(scope: Scope, bookingId: number) {
    const place = await this.place(scope, bookingId);
    await this.bookings.cancel(scope, place.sessionId, bookingId);
    return place;
  }

  /** The certificate of a session the person attended. */
  async certificate(scope: Scope, bookingId: number) {
    const staffId = this.staffId(scope);
    const place = (await this.bookings.ofPerson(scope, staffId)).find((b) => b.bookingId === bookingId);
    if (!place) throw new NotFoundException(`No certificate for booking ${bookingId}`);
    return this.documents.certificate(scope, place.sessionId, bookingId);
  }

  setOptionalMessages(scope: Scope, wanted: boolean) {
    return this.preferences.setOptional(this.staffId(scope), wanted);
  }

  wantsOptionalMessages(scope: Scope) {
    return this.preferences.wantsOptional(this.staffId(scope));
  }
}
