import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import type { IsoDate } from '../common/dates';
import { ReadsOffMainThread } from '../database/read-pool/reads-off-main-thread';
import { paddedList, sql } from '../database/sql';
import { Staff } from '../staff/staff.entity';
import { ComplianceService, displayOf, levelStatusView, LevelStatusView } from './compliance.service';
import { recordsOf } from './facts';
import { DEFAULT_WINDOW_DAYS, Status } from './rules';

export interface TeamMemberView {
  id: number;
  name: string;
  employeeRef: string;
  organisationName: string;
  /** One cell per framework level: the status, or null when the level is not required. */
  levels: ((LevelStatusView & ReturnType<typeof displayOf>) | null)[];
  /** The most urgent status across their levels (null: no training required). */
  worst: Status | null;
}

export interface TeamView {
  /** False when the account has no staff record, so nobody can be found reporting to it. */
  linked: boolean;
  asOf: IsoDate;
  windowDays: number;
  levels: { code: string; name: string }[];
  members: TeamMemberView[];
  summary: Record<Status, number>;
}

/** People of a team checked against the scope in one statement. */
const TEAM_CHUNK = 500;

/**
 * "My team" for a manager: everyone below them in the manager chain, in post on the date, with
 * their status for every level they require (reference rules), most urgent first.
 */
@Injectable()
export class MyTeamService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceService,
  ) {}

  @ReadsOffMainThread()
  async team(scope: Scope, asOf?: IsoDate, windowDays = DEFAULT_WINDOW_DAYS): Promise<TeamView> {
    this.scopes.assertCanSeePeople(scope);
    const date = asOf ?? this.compliance.today();
    const me = scope.actor?.staffId ?? null;
    // Who reports to them, however far down, is read beside the framework: one round trip fewer.
    const [framework, team] = await Promise.all([this.compliance.framework(), me === null ? [] : this.reportsTo(me)]);
    const summary: Record<Status, number> = { expired: 0, missing: 0, expiring: 0, pending: 0, compliant: 0 };
    const levels = framework.levels.map((l) => ({ code: l.code, name: l.name }));
    if (me === null) return { linked: false, asOf: date, windowDays, levels, members: [], summary };

    // Then those of the team the scope may see who are current. In one statement with the team the
    // planner cannot tell how few they are, and reads everyone.
    const visible = this.scopes.staffPredicate(scope, 's');
    const ids: number[] = [];
    for (let from = 0; from < team.length; from += TEAM_CHUNK) {
      const rows = await this.dataSource
        .getRepository(Staff)
        .createQueryBuilder('s')
        .select('s.id', 'id')
        // Padded to a few lengths of IN list (sql.ts, "Statement shapes").
        .where('s.id IN (:...some)', { some: paddedList(team.slice(from, from + TEAM_CHUNK)) })
        .andWhere('s.start_date <= :date AND (s.end_date IS NULL OR s.end_date >= :date)', { date })
        .andWhere(visible.sql, visible.params)
        .getRawMany<{ id: number }>();
      ids.push(...rows.map((r) => Number(r.id)));
    }
    const records = await recordsOf(this.dataSource.manager, framework, ids);

    const members = [...records.values()].map((record): TeamMemberView & { firstDue: IsoDate | null } => {
      const cells = this.compliance
        .assessAll(framework, record, date, windowDays)
        .map((a) => (a ? { ...levelStatusView(framework, a), ...displayOf(levelStatusView(framework, a)) } : null));
      const required = cells.filter((c): c is NonNullable<typeof c> => c !== null);
      const worst = required.length ? required.reduce((a, b) => (b.urgency < a.urgency ? b : a)) : null;
      if (worst) summary[worst.status] += 1;
      // Among their most urgent levels, the earliest date that matters.
      const dates = required.filter((c) => worst && c.urgency === worst.urgency && c.dueOn).map((c) => c.dueOn!);
      return {
        id: record.id,
        name: `${record.firstName} ${record.lastName}`,
        employeeRef: record.employeeRef,
        organisationName: record.organisation.name,
        levels: cells,
        worst: worst?.status ?? null,
        firstDue: dates.length ? dates.sort()[0] : null,
      };
    });
    const urgencyOf = (m: TeamMemberView) => (m.worst ? displayOf({ status: m.worst, dueOn: null }).urgency : 99);
    members.sort(
      (a, b) =>
        urgencyOf(a) - urgencyOf(b) ||
        (a.firstDue ?? '9999') .localeCompare(b.firstDue ?? '9999') ||
        a.name.localeCompare(b.name) ||
        a.id - b.id,
    );
    return { linked: true, asOf: date, windowDays, levels, members: members.map(({ firstDue: _, ...m }) => m), summary };
  }

  /** Everyone below the person in the manager chain, however far down. */
  private async reportsTo(managerId: number): Promise<number[]> {
    const rows = await sql<{ id: number }>(
      this.dataSource,
      `WITH RECURSIVE team(id) AS (
        SELECT id FROM staff WHERE manager_id = $1
        UNION SELECT t.id FROM staff t JOIN team ON t.manager_id = team.id)
      SELECT id FROM team`,
      [managerId],
    );
    return rows.map((r) => Number(r.id));
  }
}
