import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { AuditService } from '../audit/audit.service';
import { Scope } from '../auth/scope';
import { todayIso } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { projectRoot } from '../config/project-root';
import { letOtherRequestsIn } from '../database/flow-context';
import { sql } from '../database/sql';
import { AnonymisedReason, ANONYMISED_FIRST_NAME, ANONYMISED_LAST_NAME, yearsText } from './retention-words';
import { PeriodsInForce, RetentionPolicyService } from './retention-policy.service';

/** What one run removed, in counts only: the audit log records these and never names. */
export interface AnonymisedCounts {
  people: number;
  managerLinksRemoved: number;
  completionNotesRemoved: number;
  evidenceUploadsDeleted: number;
  evidenceFilesDeleted: number;
  feedbackUnlinked: number;
  bookingRequestsDeleted: number;
  messagePreferencesDeleted: number;
  signInLinksDeleted: number;
  outboxMessagesCleared: number;
}

export interface RetentionRunResult extends AnonymisedCounts {
  /** Used and expired sign-in links of anyone, removed on every run. */
  spentSignInLinksPurged: number;
  /** Transactions the run was made in (each all or nothing). */
  batches: number;
  seconds: number;
}

export interface DuePerson {
  id: number;
  name: string;
  employeeRef: string;
  organisationCode: string;
  organisationName: string;
  endDate: string;
  years: number;
}

export interface DryRunView {
  today: string;
  total: number;
  /** How many are due under each period ("6 years": 40). */
  byPeriod: { years: number; period: string; people: number }[];
  /** The first of them, by end date (at most `limit`). */
  people: DuePerson[];
  shown: number;
}

const EMPTY: AnonymisedCounts = {
  people: 0,
  managerLinksRemoved: 0,
  completionNotesRemoved: 0,
  evidenceUploadsDeleted: 0,
  evidenceFilesDeleted: 0,
  feedbackUnlinked: 0,
  bookingRequestsDeleted: 0,
  messagePreferencesDeleted: 0,
  signInLinksDeleted: 0,
  outboxMessagesCleared: 0,
};

/** People anonymised in one transaction: small enough that SQLite answers other requests between batches. */
export const RETENTION_BATCH = 500;
/** The pause between batches, for the requests that waited. */
const BREATHER_MS = 10;
/** A person anonymised by erasure with their trainer's name kept: retention finishes the job once they are past their period. */
const NAME_KEPT: AnonymisedReason = 'erasure-trainer-name-kept';

/**
 * Retention: leavers whose end date is further back than the period their organisation keeps
 * them (src/data-protection/retention-policy.service.ts) have their personal details removed,
 * while their row, roles, organisation, dates and completions stay, so every past figure stays as
 * it was. Erasure on request removes the same details at once (erasure.service.ts).
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: RetentionPolicyService,
    private readonly scopes: ScopeService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Who a run now would anonymise, of the people the scope may see; nothing is changed. */
  async dryRun(scope: Scope, now = new Date(), limit = 200): Promise<DryRunView> {
    this.scopes.assertCanSeePeople(scope);
    const today = todayIso(this.config.TIME_ZONE, now);
    const periods = await this.policy.periodsInForce();
    const due = this.duePredicate(periods, today);
    const visible = this.scopes.staffPredicate(scope, 's');
    const years = this.policy.yearsFor(periods, 's');
    const base = () =>
      this.dataSource.createQueryBuilder().from('staff', 's').where(due).andWhere(visible.sql, visible.params);
    const groups = await base()
      .select(`${years}`, 'years')
      .addSelect('COUNT(*)', 'people')
      .groupBy(years)
      .getRawMany<{ years: number | string; people: number | string }>();
    const rows = await base()
      .innerJoin('organisations', 'o', 'o.id = s.organisation_id')
      .select(['s.id AS id', 's.first_name AS first_name', 's.last_name AS last_name', 's.employee_ref AS employee_ref', 's.end_date AS end_date'])
      .addSelect(['o.code AS organisation_code', 'o.name AS organisation_name'])
      .addSelect(years, 'years')
      .orderBy('s.end_date', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(limit)
      .getRawMany<Record<string, string | number>>();
    const byPeriod = groups
      .map((g) => ({ years: Number(g.years), period: yearsText(Number(g.years)), people: Number(g.people) }))
      .sort((a, b) => a.years - b.years);
    return {
      today,
      total: byPeriod.reduce((n, g) => n + g.people, 0),
      byPeriod,
      shown: rows.length,
      people: rows.map((r) => ({
        id: Number(r.id),
        name: `${r.first_name} ${r.last_name}`,
        employeeRef: String(r.employee_ref),
        organisationCode: String(r.organisation_code),
        organisationName: String(r.organisation_name),
        endDate: String(r.end_date),
        years: Number(r.years),
      })),
    };
  }

  /**
   * Anonymises every leaver past their period whom the scope may see (the scheduled job runs it
   * for everyone with Scope.system()), in batches of RETENTION_BATCH people, each batch one
   * transaction that is done whole or not at all; between batches other requests are answered.
   * The run is written to the audit log with its counts.
   */
  async run(scope: Scope, trigger: 'scheduled' | 'manual', now = new Date()): Promise<RetentionRunResult> {
    const started = process.hrtime.bigint();
    const today = todayIso(this.config.TIME_ZONE, now);
    const periods = await this.policy.periodsInForce();
    const due = this.duePredicate(periods, today);
    const visible = this.scopes.staffPredicate(scope, 's');
    const candidates = await this.candidates(periods, today);
    const totals: AnonymisedCounts = { ...EMPTY };
    let batches = 0;
    for (let i = 0; i < candidates.length; i += RETENTION_BATCH) {
      const chunk = candidates.slice(i, i + RETENTION_BATCH);
      const { counts, files } = await this.dataSource.transaction(async (m) => {
        // The policy is applied again inside the transaction: a person brought back (end date removed) since is left alone.
        const ids = (
          await m
            .createQueryBuilder()
            .select('s.id', 'id')
            .from('staff', 's')
            .where('s.id IN (:...chunk)', { chunk })
            .andWhere(due)
            .andWhere(visible.sql, visible.params)
            .getRawMany<{ id: number | string }>()
        ).map((r) => Number(r.id));
        return this.anonymise(m, ids, 'retention', now);
      });
      batches++;
      add(totals, counts);
      totals.evidenceFilesDeleted += await this.deleteFiles(files);
      await letOtherRequestsIn(BREATHER_MS);
    }
    const spent = await this.dataSource.transaction((m) => affected(m, 'DELETE FROM sign_in_links WHERE used_at IS NOT NULL OR expires_at < $1', [now.toISOString()]));
    const result: RetentionRunResult = { ...totals, spentSignInLinksPurged: spent, batches, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    const { seconds: _seconds, ...counts } = result;
    await this.audit.record({
      action: 'retention_run',
      entity: 'retention',
      entityKey: trigger,
      after: { ...counts, today, periods: periods.years.map(yearsText) },
      organisationId: scope.rootOrganisationId,
    });
    this.logger.log(`Retention run (${trigger}): ${result.people} people anonymised in ${batches} batches, ${result.seconds.toFixed(1)} s`);
    return result;
  }

  /**
   * Removes these people's personal details, inside the caller's transaction: names (unless
   * `reason` keeps a trainer's name), email, employee reference (a placeholder unique per person),
   * HR fields, manager link (and they stop being anyone's manager), notes on their completions,
   * their evidence uploads, the link between them and feedback they signed (it stays as anonymous feedback),
   * booking requests, message preferences, sign-in links, and the address and text of messages
   * to them (a message still waiting is not sent). Answers the counts and the evidence files to
   * delete once the transaction has committed.
   */
  async anonymise(m: EntityManager, ids: number[], reason: AnonymisedReason, now: Date): Promise<{ counts: AnonymisedCounts; files: string[] }> {
    const counts: AnonymisedCounts = { ...EMPTY };
    if (ids.length === 0) return { counts, files: [] };
    const list = ids.map((_, i) => `$${i + 1}`).join(', ');
    const run = (text: string, extra: unknown[] = []): Promise<number> => affected(m, text, [...ids, ...extra]);
    const n = ids.length;
    const files = (await sql<{ stored_name: string }>(m, `SELECT stored_name FROM evidence_submissions WHERE staff_id IN (${list})`, ids)).map((r) => r.stored_name);
    counts.evidenceUploadsDeleted = await run(`DELETE FROM evidence_submissions WHERE staff_id IN (${list})`);
    counts.outboxMessagesCleared = await run(
      `UPDATE outbox_messages SET to_address = '', body = '', attachments = NULL,
         state = CASE WHEN state IN ('queued', 'sending') THEN 'failed' ELSE state END,
         last_answer = CASE WHEN state IN ('queued', 'sending') THEN 'Not sent: the person was anonymised' ELSE last_answer END
       WHERE person_id IN (${list}) AND (to_address <> '' OR body <> '')`,
    );
    counts.signInLinksDeleted = await run(`DELETE FROM sign_in_links WHERE staff_id IN (${list})`);
    counts.messagePreferencesDeleted = await run(`DELETE FROM message_preferences WHERE staff_id IN (${list})`);
    counts.bookingRequestsDeleted = await run(`DELETE FROM booking_requests WHERE staff_id IN (${list})`);
    counts.feedbackUnlinked = await run(`UPDATE session_feedback SET staff_id = NULL WHERE staff_id IN (${list})`);
    counts.completionNotesRemoved = await run(`UPDATE completions SET evidence = NULL WHERE staff_id IN (${list}) AND evidence IS NOT NULL`);
    counts.managerLinksRemoved = await run(`UPDATE staff SET manager_id = NULL WHERE manager_id IN (${list})`);
    const at = `$${n + 1}`;
    const why = `$${n + 2}`;
    const names =
      reason === NAME_KEPT ? '' : `first_name = '${ANONYMISED_FIRST_NAME}', last_name = '${ANONYMISED_LAST_NAME}', `;
    counts.people = await run(
      `UPDATE staff SET ${names}employee_ref = 'anonymised-' || CAST(id AS VARCHAR(20)), email = NULL, manager_id = NULL,
         job_title = NULL, position = NULL, staff_group = NULL, department = NULL, anonymised_at = ${at}, anonymised_reason = ${why}
       WHERE id IN (${list})`,
      [now.toISOString(), reason],
    );
    // The audit log's copies of the person's record and of their training (its notes) lose their
    // contents; who changed them, and when, stay. Entries are found by the id inside the copy: the
    // key of a staff entry is the employee reference, which another employer's person may share.
    const copy = 'COALESCE(after_json, before_json)';
    const whose =
      m.connection.options.type === 'postgres'
        ? `(${copy}::jsonb ->> CASE entity WHEN 'staff' THEN 'id' ELSE 'staffId' END)`
        : `CAST(json_extract(${copy}, CASE entity WHEN 'staff' THEN '$.id' ELSE '$.staffId' END) AS TEXT)`;
    await sql(m, `UPDATE audit_log SET before_json = NULL, after_json = NULL WHERE entity IN ('staff', 'completions') AND ${copy} IS NOT NULL AND ${whose} IN (${list})`, ids.map(String));
    return { counts, files };
  }

  /** Deletes evidence files whose rows are gone; a file already missing counts as deleted. */
  async deleteFiles(files: string[]): Promise<number> {
    const dir = isAbsolute(this.config.EVIDENCE_DIR) ? this.config.EVIDENCE_DIR : join(projectRoot(), this.config.EVIDENCE_DIR);
    let deleted = 0;
    for (const name of files) {
      // Stored names are the tracker's own random names; never follow anything else.
      if (!/^[0-9a-f-]+\.[a-z]+$/i.test(name)) continue;
      await rm(join(dir, name), { force: true });
      deleted++;
    }
    return deleted;
  }

  /** The people past their period (or anonymised but for a trainer's name), as SQL on staff alias `s`. */
  duePredicate(periods: PeriodsInForce, today: string): string {
    const past = this.policy.pastPeriod(periods, 's', today);
    return `((s.anonymised_reason IS NULL OR s.anonymised_reason = '${NAME_KEPT}') AND ${past.sql})`;
  }

  /** Everyone who left before the latest cut-off and is not yet anonymised: two index range scans, by id. */
  private async candidates(periods: PeriodsInForce, today: string): Promise<number[]> {
    const { latestCutoff } = this.policy.pastPeriod(periods, 's', today);
    const rows = await sql<{ id: number | string }>(
      this.dataSource,
      `SELECT id FROM staff WHERE anonymised_reason IS NULL AND end_date < $1
       UNION SELECT id FROM staff WHERE anonymised_reason = $2 AND end_date < $1`,
      [latestCutoff, NAME_KEPT],
    );
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
}

/** Runs a write written with $1, $2 placeholders (as src/database/sql.ts) inside a transaction and answers how many rows it changed, on either database. */
async function affected(m: EntityManager, text: string, params: unknown[]): Promise<number> {
  let query = text;
  let values = params;
  if (m.connection.options.type !== 'postgres') {
    values = [];
    query = text.replace(/\$(\d+)/g, (_, n: string) => {
      values.push(params[Number(n) - 1]);
      return '?';
    });
  }
  const result = (await m.queryRunner!.query(query, values, true)) as { affected?: number };
  return Number(result.affected ?? 0);
}

function add(totals: AnonymisedCounts, counts: AnonymisedCounts): void {
  for (const key of Object.keys(totals) as (keyof AnonymisedCounts)[]) totals[key] += counts[key];
}
