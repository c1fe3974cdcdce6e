import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { FieldError } from '../common/field-error';
import { AppConfig } from '../config/app-config';
import { addDays, formatUkDate } from '../common/dates';
import { isUniqueViolation } from '../common/db-errors';
import { Booking } from './booking.entity';
import { FeedbackDto, FeedbackSessionView, FeedbackSummaryView } from './dto/feedback.dto';
import { SessionFeedback } from './session-feedback.entity';
import { dateOf, nowLocal, timeOf } from './session-times';
import { SessionWrites } from './session-writes';
import { SessionsService } from './sessions.service';
import { TrainingSession } from './training-session.entity';

export const FEEDBACK_DAYS_OPEN = 14;

/**
 * Attendees' evaluations, given without signing in through a per-session link (token) that
 * closes a set time after the session. Feedback may be anonymous.
 */
@Injectable()
export class FeedbackService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writes: SessionWrites,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
  ) {}

  /** Gives the session a feedback link if it has none (on completing the register, or on demand). */
  async ensureToken(m: EntityManager, session: TrainingSession, daysOpen?: number): Promise<void> {
    const current = await m.findOneByOrFail(TrainingSession, { id: session.id });
    if (current.feedbackToken && daysOpen === undefined) return;
    const closesAt = `${addDays(dateOf(session.endsAt), daysOpen ?? FEEDBACK_DAYS_OPEN)}T${timeOf(session.endsAt)}`;
    const token = current.feedbackToken ?? randomBytes(24).toString('base64url');
    await m.update(TrainingSession, session.id, { feedbackToken: token, feedbackClosesAt: closesAt });
  }

  /** Makes (or reopens, for daysOpen days after the session) the feedback link, and returns the summary. */
  async openLink(scope: Scope, sessionId: number, daysOpen: number | undefined): Promise<FeedbackSummaryView> {
    this.sessions.assertCanManage(scope);
    await this.writes.transaction(async (m) => {
      const session = await this.sessions.find(scope, sessionId, m);
      if (session.status === 'cancelled') throw new ConflictException(`Session ${sessionId} was cancelled: it takes no feedback`);
      await this.ensureToken(m, session, daysOpen);
    });
    return this.summary(scope, sessionId);
  }

  /**
   * Counts and averages for anyone who may see the session; comments (free text, which may name
   * people) and the link only for those who run it. The link is on
   * PUBLIC_URL, never on the Host header of the request, which the caller controls.
   */
  async summary(scope: Scope, sessionId: number): Promise<FeedbackSummaryView> {
    const session = await this.sessions.find(scope, sessionId, undefined, 'see');
    const rows = await this.dataSource.getRepository(SessionFeedback).find({ where: { sessionId }, order: { id: 'ASC' } });
    const canManage = await this.sessions.canManageSession(scope, session);
    return {
      count: rows.length,
      averageRating: average(rows.map((r) => r.overallRating)),
      recogniseBefore: average(rows.map((r) => r.recogniseBefore)),
      recogniseAfter: average(rows.map((r) => r.recogniseAfter)),
      referBefore: average(rows.map((r) => r.referBefore)),
      referAfter: average(rows.map((r) => r.referAfter)),
      comments: canManage ? rows.map((r) => r.comments?.trim() ?? '').filter((c) => c !== '') : [],
      token: canManage ? session.feedbackToken : null,
      link: canManage && session.feedbackToken ? feedbackLink(this.config.PUBLIC_URL, session.feedbackToken) : null,
      closesAt: session.feedbackClosesAt,
      open: isOpen(session),
    };
  }

  /** What the public form shows: the session, and whether feedback is still open. 404 for an unknown link. */
  async sessionFor(token: string): Promise<FeedbackSessionView> {
    const session = await this.byToken(token);
    return {
      title: session.title,
      levelCode: session.level.code,
      levelName: session.level.name,
      date: dateOf(session.startsAt),
      hostOrganisationName: session.hostOrganisation.name,
      open: isOpen(session),
      closesAt: session.feedbackClosesAt as string,
    };
  }

  async submit(token: string, dto: FeedbackDto): Promise<{ received: true }> {
    const session = await this.byToken(token);
    if (!isOpen(session)) {
      throw new GoneException(`Feedback for this session closed on ${formatUkDate(dateOf(session.feedbackClosesAt as string))}`);
    }
    let staffId: number | null = null;
    if (dto.employeeRef) {
      const attendee = await this.dataSource
        .getRepository(Booking)
        .createQueryBuilder('b')
        .innerJoin('b.staff', 's')
        .where('b.session_id = :sessionId', { sessionId: session.id })
        .andWhere('s.employee_ref = :ref', { ref: dto.employeeRef })
        .andWhere("b.status = 'booked'")
        .andWhere("(b.attendance IS NULL OR b.attendance = 'attended')")
        .getOne();
      if (!attendee) {
        throw new FieldError(
          'employeeRef',
          `nobody booked on this session has the reference ${dto.employeeRef}; leave it blank to give feedback anonymously`,
        );
      }
      staffId = attendee.staffId;
    }
    try {
      await this.writes.transaction(async (m) => {
        if (staffId !== null && (await m.existsBy(SessionFeedback, { sessionId: session.id, staffId }))) {
          throw new ConflictException('You have already given feedback on this session. Thank you.');
        }
        await m.insert(SessionFeedback, {
          sessionId: session.id,
          staffId,
          overallRating: dto.overallRating,
          recogniseBefore: dto.recogniseBefore ?? null,
          recogniseAfter: dto.recogniseAfter ?? null,
          referBefore: dto.referBefore ?? null,
          referAfter: dto.referAfter ?? null,
          comments: dto.comments?.trim() || null,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('You have already given feedback on this session. Thank you.');
      throw error;
    }
    return { received: true };
  }

  private async byToken(token: string): Promise<TrainingSession> {
    const session =
      typeof token === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(token)
        ? await this.dataSource.getRepository(TrainingSession).findOne({ where: { feedbackToken: token }, relations: { level: true, hostOrganisation: true } })
        : null;
    if (!session || session.status === 'cancelled') {
      throw new NotFoundException('This feedback link is not valid. Check the link or QR code the trainer gave you.');
    }
    return session;
  }
}

export function feedbackLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, '')}/feedback/${token}`;
}

function isOpen(session: Pick<TrainingSession, 'feedbackToken' | 'feedbackClosesAt' | 'status'>): boolean {
  return Boolean(session.feedbackToken && session.feedbackClosesAt && session.status !== 'cancelled' && nowLocal() < session.feedbackClosesAt);
}

/** Mean to one decimal place (halves up, in whole tenths to avoid float error); null when nothing to average. */
export function average(values: (number | null)[]): number | null {
  const given = values.filter((v): v is number => v !== null && v !== undefined);
  if (given.length === 0) return null;
  const sum = given.reduce((a, b) => a + b, 0);
  return Math.floor((20 * sum + given.length) / (2 * given.length)) / 10;
}
