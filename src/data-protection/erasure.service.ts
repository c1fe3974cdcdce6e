import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { AuditService } from '../audit/audit.service';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import { notFound } from '../common/http-errors';
import { AppConfig } from '../config/app-config';
import { sql } from '../database/sql';
import { Staff } from '../staff/staff.entity';
import { anonymisedNote, yearsText } from './retention-words';
import { RetentionPolicyService } from './retention-policy.service';
import { AnonymisedCounts, RetentionService } from './retention.service';

export interface TrainedSession {
  id: number;
  title: string;
  startsOn: string;
}

/** What an administrator is shown before erasing a person. */
export interface ErasureCheck {
  person: { id: number; name: string; employeeRef: string; organisationName: string; endDate: string | null };
  /** The retention period that applies to the person. */
  years: number;
  /** Sessions they are the trainer of record of that started within that period: their name must stay on these. */
  sessionsKept: TrainedSession[];
  /** Already anonymised: there is nothing (more) to erase. */
  anonymised: string | null;
  /** Why erasing everything is refused, in plain English; null when it may go ahead. */
  refusal: string | null;
}

export interface ErasureResult extends AnonymisedCounts {
  trainerNameKept: boolean;
}

/**
 * Erasure on request (UK GDPR article 17): an administrator removes a person's details at once,
 * as retention would, with the reason written to the audit log. Refused while the person is the
 * trainer of record of sessions within the retention period, unless their name is kept on those
 * sessions and everything else is removed.
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly policy: RetentionPolicyService,
    private readonly retention: RetentionService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async check(scope: Scope, staffId: number, now = new Date()): Promise<ErasureCheck> {
    this.scopes.assertCanEditFramework(scope);
    if (!(await this.scopes.staffVisible(scope, staffId))) throw notFound('person', staffId);
    const person = await this.dataSource.getRepository(Staff).findOneOrFail({ where: { id: staffId }, relations: { organisation: true } });
    const periods = await this.policy.periodsInForce();
    const [{ years }] = await sql<{ years: number | string }>(this.dataSource, `SELECT ${this.policy.yearsFor(periods, 's')} AS years FROM staff s WHERE s.id = $1`, [staffId]);
    const cutoff = this.policy.cutoffFor(Number(years), todayIso(this.config.TIME_ZONE, now));
    const sessions = await sql<{ id: number | string; title: string; starts_at: string }>(
      this.dataSource,
      `SELECT ts.id, ts.title, ts.starts_at FROM session_trainers st JOIN training_sessions ts ON ts.id = st.session_id
       WHERE st.staff_id = $1 AND ts.starts_at >= $2 ORDER BY ts.starts_at, ts.id`,
      [staffId, cutoff],
    );
    const name = `${person.firstName} ${person.lastName}`;
    const sessionsKept = sessions.map((s) => ({ id: Number(s.id), title: s.title, startsOn: s.starts_at.slice(0, 10) }));
    const fully = person.anonymisedAt !== null && person.anonymisedReason !== 'erasure-trainer-name-kept';
    const period = yearsText(Number(years));
    let refusal: string | null = null;
    if (sessionsKept.length > 0) {
      const count = sessionsKept.length === 1 ? '1 training session' : `${sessionsKept.length} training sessions`;
      refusal =
        `${name} cannot be erased completely: they are the trainer of record of ${count} since ${formatUkDate(cutoff)}, ` +
        `and those sessions' records are kept for ${period} (the retention period for their organisation), with the name of who delivered them. ` +
        'You can anonymise everything else about them and keep only their name as the trainer on those sessions.';
    }
    return {
      person: { id: person.id, name, employeeRef: person.employeeRef, organisationName: person.organisation.name, endDate: person.endDate },
      years: Number(years),
      sessionsKept,
      anonymised: fully || (person.anonymisedAt !== null && sessionsKept.length > 0) ? anonymisedNote(person.anonymisedAt, person.anonymisedReason) : null,
      refusal,
    };
  }

  /** Erases the person: everything, or (`keepTrainerName`) everything but their name as the trainer of sessions still kept. */
  async erase(scope: Scope, staffId: number, reason: string, keepTrainerName: boolean, now = new Date()): Promise<ErasureResult> {
    const check = await this.check(scope, staffId, now);
    if (check.anonymised) throw new ConflictException(`This person has already been anonymised (${check.anonymised.charAt(0).toLowerCase()}${check.anonymised.slice(1)})`);
    if (check.refusal && !keepTrainerName) throw new ConflictException(check.refusal);
    const nameKept = keepTrainerName && check.sessionsKept.length > 0;
    const { counts, files } = await this.dataSource.transaction(async (m) => {
      const done = await this.retention.anonymise(m, [staffId], nameKept ? 'erasure-trainer-name-kept' : 'erasure', now);
      await this.audit.record(
        {
          action: 'erase',
          entity: 'staff',
          entityKey: String(staffId),
          after: { ...done.counts, trainerNameKept: nameKept, sessionsKept: check.sessionsKept.length },
          reason: reason.slice(0, 500),
          organisationId: (await m.findOneByOrFail(Staff, { id: staffId })).organisationId,
        },
        undefined,
        m,
      );
      return done;
    });
    counts.evidenceFilesDeleted = await this.retention.deleteFiles(files);
    return { ...counts, trainerNameKept: nameKept };
  }
}
