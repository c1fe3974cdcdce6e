import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { addDays, todayIso } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { MessagePreference } from '../my-training/message-preference.entity';
import { Booking } from '../sessions/booking.entity';
import { calendarFile, certificatePdf } from '../sessions/session-files';
import { dateOf, nowLocal } from '../sessions/session-times';
import { TrainingSession } from '../sessions/training-session.entity';
import { Staff } from '../staff/staff.entity';
import { letter, sessionDate, sessionDetails, stopLine } from './message-words';
import { OutboxService } from './outbox.service';

/** What cancelling a session told people: how many were emailed, and who has no email address. */
export interface CancellationNotice {
  emailed: number;
  withoutEmail: number[];
}

const signature = (session: TrainingSession) => `Prevent training, ${session.hostOrganisation.name}`;
const hasEmail = (s: Pick<Staff, 'email'>): s is Staff & { email: string } => Boolean(s.email && s.email.includes('@'));
const levelLine = (session: TrainingSession) => `${session.title} (${session.level.code}: ${session.level.name})`;

/**
 * The messages about sessions, each written into the outbox in the caller's transaction: a booking
 * confirmed, a place from the waiting list, a session cancelled, the day-before reminder, the
 * certificate and feedback link after it, and the trainers' reminder to take the register.
 */
@Injectable()
export class SessionMessages {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /** "You have a place", with the calendar file, to each newly booked person with an email address. */
  async booked(m: EntityManager, bookingIds: number[]): Promise<void> {
    for (const { session, booking } of await this.placesOf(m, bookingIds)) {
      await this.outbox.enqueue(m, {
        to: booking.staff.email!,
        key: `booking-confirmed:${booking.id}`,
        kind: 'booking-confirmed',
        personId: booking.staffId,
        sessionId: session.id,
        subject: `Your place on ${session.title} on ${sessionDate(session)}`,
        text: letter(
          booking.staff.firstName,
          [
            `You have a place on ${levelLine(session)}.`,
            sessionDetails(session),
            'The attached calendar file adds it to your calendar.',
            'If you cannot go, tell your manager as soon as you can, so someone else can have the place.',
          ],
          signature(session),
        ),
        attachments: [this.calendarAttachment(session, booking)],
      });
    }
  }

  /** "A place is free for you", with the calendar file, to people moved up from the waiting list. */
  async promoted(m: EntityManager, bookingIds: number[]): Promise<void> {
    for (const { session, booking } of await this.placesOf(m, bookingIds)) {
      await this.outbox.enqueue(m, {
        to: booking.staff.email!,
        key: `booking-promoted:${booking.id}`,
        kind: 'waiting-list-place',
        personId: booking.staffId,
        sessionId: session.id,
        subject: `A place is free for you on ${session.title} on ${sessionDate(session)}`,
        text: letter(
          booking.staff.firstName,
          [
            `A place became free on ${levelLine(session)}. You were on the waiting list, so the place is yours.`,
            sessionDetails(session),
            'The attached calendar file adds it to your calendar.',
            'If you cannot go, tell your manager as soon as you can, so someone else can have the place.',
          ],
          signature(session),
        ),
        attachments: [this.calendarAttachment(session, booking)],
      });
    }
  }

  /**
   * "Cancelled", to everyone who was booked or waiting and to the trainers. Answers how many were
   * emailed and the staff ids of those with no email address, whom someone must tell.
   */
  async cancelled(m: EntityManager, sessionId: number, people: { staff: Staff; was: 'booked' | 'waiting' | 'trainer' }[]): Promise<CancellationNotice> {
    const session = await this.session(m, sessionId);
    const notice: CancellationNotice = { emailed: 0, withoutEmail: [] };
    for (const { staff, was } of people) {
      if (!hasEmail(staff)) {
        notice.withoutEmail.push(staff.id);
        continue;
      }
      const first =
        was === 'trainer'
          ? `${levelLine(session)}, which you were to deliver on ${sessionDate(session)}, has been cancelled.`
          : `${levelLine(session)} on ${sessionDate(session)} has been cancelled. ${was === 'waiting' ? 'You were on its waiting list.' : 'Your place on it is cancelled.'}`;
      await this.outbox.enqueue(m, {
        to: staff.email,
        key: `session-cancelled:${session.id}:${staff.id}`,
        kind: 'session-cancelled',
        personId: staff.id,
        sessionId: session.id,
        subject: `Cancelled: ${session.title} on ${sessionDate(session)}`,
        text: letter(
          staff.firstName,
          [first, was === 'trainer' ? null : 'You do not need to do anything. Your manager can book you onto another session.'],
          signature(session),
        ),
      });
      notice.emailed += 1;
    }
    return notice;
  }

  /** After the register: the certificate (PDF) and the feedback link, to each attendee with an email address. */
  async attended(m: EntityManager, sessionId: number): Promise<void> {
    const session = await this.session(m, sessionId);
    const bookings = await m.find(Booking, {
      where: { sessionId, status: 'booked', attendance: 'attended' },
      relations: { staff: { organisation: true } },
      order: { id: 'ASC' },
    });
    for (const booking of bookings.filter((b) => hasEmail(b.staff))) {
      const key = `session-attended:${booking.id}`;
      if (await this.outbox.has(m, key)) continue; // the certificate is made only once
      const certificate = await certificatePdf(session, booking);
      // The certificate always goes; the feedback link is optional, so it is left out for people who stopped optional messages.
      const stopped = await m.exists(MessagePreference, { where: { staffId: booking.staffId, optionalMessages: false } });
      const feedback = session.feedbackToken && !stopped ? `${this.config.PUBLIC_URL}/feedback/${session.feedbackToken}` : null;
      await this.outbox.enqueue(m, {
        to: booking.staff.email!,
        key,
        kind: 'certificate-and-feedback',
        personId: booking.staffId,
        sessionId: session.id,
        subject: `Your certificate for ${session.title}`,
        text: letter(
          booking.staff.firstName,
          [
            `Thank you for coming to ${levelLine(session)} on ${sessionDate(session)}. Your training is recorded.`,
            'Your certificate is attached.',
            feedback ? `Tell us what you thought of the session: ${feedback}` : null,
            feedback ? 'It takes 2 minutes and you do not need to give your name.' : null,
            feedback ? stopLine(this.config.PUBLIC_URL) : null,
          ],
          signature(session),
        ),
        attachments: [{ filename: certificate.filename, contentType: 'application/pdf', content: certificate.body }],
      });
    }
  }

  /** The day before a session, from 8am: a reminder to each booked person with an email address (an optional message). */
  async dayBeforeReminders(now = new Date()): Promise<number> {
    if (nowLocal(this.config.TIME_ZONE, now).slice(11, 13) < '08') return 0; // not in the night
    const tomorrow = addDays(todayIso(this.config.TIME_ZONE, now), 1);
    const sessions = await this.dataSource
      .getRepository(TrainingSession)
      .createQueryBuilder('ts')
      .select('ts.id', 'id')
      .where(`ts.status = 'scheduled' AND ts.starts_at >= :from AND ts.starts_at < :to`, { from: `${tomorrow}T00:00`, to: `${addDays(tomorrow, 1)}T00:00` })
      .getRawMany<{ id: number }>();
    let queued = 0;
    for (const { id } of sessions) {
      queued += await this.dataSource.transaction(async (m) => {
        const session = await this.session(m, Number(id));
        const bookings = await m.find(Booking, { where: { sessionId: session.id, status: 'booked' }, relations: { staff: true }, order: { id: 'ASC' } });
        // An optional message: not to those who stopped optional messages on My training.
        const stopped = new Set(
          bookings.length ? (await m.find(MessagePreference, { where: { staffId: In(bookings.map((b) => b.staffId)), optionalMessages: false } })).map((p) => p.staffId) : [],
        );
        let n = 0;
        for (const booking of bookings.filter((b) => hasEmail(b.staff) && !stopped.has(b.staffId))) {
          const written = await this.outbox.enqueue(m, {
            to: booking.staff.email!,
            // A session moved to another day is reminded of again.
            key: `session-reminder:${booking.id}:${session.startsAt}`,
            kind: 'session-reminder',
            personId: booking.staffId,
            sessionId: session.id,
            subject: `Reminder: ${session.title} tomorrow, ${sessionDate(session)}`,
            text: letter(
              booking.staff.firstName,
              [
                `This is a reminder that you have a place on ${levelLine(session)} tomorrow.`,
                sessionDetails(session),
                'If you cannot go, tell your manager today, so someone else can have the place.',
                stopLine(this.config.PUBLIC_URL),
              ],
              signature(session),
            ),
          });
          if (written) n += 1;
        }
        return n;
      });
    }
    return queued;
  }

  /**
   * Trainers of a session whose register is not taken by the next working day (Monday to Friday)
   * after it: a reminder to take it. Sessions of the last 4 weeks only, so a new server does not
   * write about old sessions.
   */
  async registerReminders(now = new Date()): Promise<number> {
    const today = todayIso(this.config.TIME_ZONE, now);
    const sessions = await this.dataSource
      .getRepository(TrainingSession)
      .createQueryBuilder('ts')
      .select(['ts.id AS id', 'ts.ends_at AS "endsAt"'])
      .where(`ts.status = 'scheduled' AND ts.ends_at >= :from AND ts.ends_at < :today`, { from: `${addDays(today, -28)}T00:00`, today: `${today}T00:00` })
      .getRawMany<{ id: number; endsAt: string }>();
    let queued = 0;
    for (const row of sessions.filter((s) => nextWorkingDay(dateOf(s.endsAt)) <= today)) {
      queued += await this.dataSource.transaction(async (m) => {
        const session = await this.session(m, Number(row.id));
        let n = 0;
        for (const trainer of session.trainers.filter(hasEmail)) {
          const written = await this.outbox.enqueue(m, {
            to: trainer.email,
            key: `register-reminder:${session.id}:${trainer.id}`,
            kind: 'register-reminder',
            personId: trainer.id,
            sessionId: session.id,
            subject: `Take the register for ${session.title} (${sessionDate(session)})`,
            text: letter(
              trainer.firstName,
              [
                `The register for ${levelLine(session)} on ${sessionDate(session)} has not been taken yet.`,
                `Take it at ${this.config.PUBLIC_URL}/sessions/${session.id}/register`,
                'Until it is taken, the training of the people who came is not recorded and they do not get their certificates.',
              ],
              signature(session),
            ),
          });
          if (written) n += 1;
        }
        return n;
      });
    }
    return queued;
  }

  private async session(m: EntityManager, id: number): Promise<TrainingSession> {
    return m.findOneOrFail(TrainingSession, { where: { id }, relations: { level: true, hostOrganisation: true, trainers: true } });
  }

  /** The booked places among these bookings whose person has an email address, with their sessions. */
  private async placesOf(m: EntityManager, bookingIds: number[]): Promise<{ session: TrainingSession; booking: Booking }[]> {
    if (bookingIds.length === 0) return [];
    const bookings = await m.find(Booking, { where: { id: In(bookingIds), status: 'booked' }, relations: { staff: true }, order: { id: 'ASC' } });
    const sessions = new Map<number, TrainingSession>();
    const out = [];
    for (const booking of bookings.filter((b) => hasEmail(b.staff))) {
      if (!sessions.has(booking.sessionId)) sessions.set(booking.sessionId, await this.session(m, booking.sessionId));
      out.push({ session: sessions.get(booking.sessionId)!, booking });
    }
    return out;
  }

  private calendarAttachment(session: TrainingSession, booking: Booking) {
    const file = calendarFile(session, booking);
    return { filename: file.filename, contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: file.body };
  }
}

/** The next day from Monday to Friday after this one. */
export function nextWorkingDay(date: string): string {
  let next = addDays(date, 1);
  for (;;) {
    const day = new Date(`${next}T12:00:00Z`).getUTCDay();
    if (day !== 0 && day !== 6) return next;
    next = addDays(next, 1);
  }
}
