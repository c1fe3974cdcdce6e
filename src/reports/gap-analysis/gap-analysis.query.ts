/**
 * The gap analysis fast path: the compliance rules of DOMAIN.md as one SQL statement over the
 * indexed tables, on SQLite and PostgreSQL. src/compliance/rules.ts is the reference; the
 * agreement test (gap-analysis.agreement.e2e-spec.ts) holds this file equal to it.
 *
 * How the rules become SQL, per person in scope on D and per level L (levels in rank order):
 * - Rule 2: every requirement becomes a row of a small VALUES table `rolereq`, one per role
 *   (unscoped requirements folded together) plus one per scoped requirement. Column t<i> holds,
 *   for level i, the latest date a person may have started and be past their grace period
 *   (D - grace, from the shortest grace among the requirements at rank >= L), or NULL when the
 *   row does not require level i. Joined to the person's staff_roles this gives need<i>:
 *   0 not required, 1 required but within grace, 2 required and due.
 * - Rule 3: a completion at level C is valid on X exactly when validFrom(C, X) <= completedOn <= D
 *   (rules.validFrom does the calendar-month clamping in JS), so per completion level the latest
 *   completion dated on or before D scores 3 (valid on D + W), 2 (valid on D only), 1 (lapsed)
 *   or 0 (none). Levels are cumulative, so level L looks at the best score of levels at rank >= L.
 * - Rule 4: status from need and score: 3 compliant, 2 expiring, else within grace pending,
 *   else 1 expired, else missing.
 * - Rule 5 (the counting) groups people by child organisation, sector, role mask and status
 *   vector; the service rolls those few rows up into the subtree, its children, sectors and roles.
 *
 * The per-person facts take a different shape on each database (what differs, and only that, is
 * in its own file): SQLite evaluates correlated subqueries per person cheaply (one index seek
 * each, in staff id order; gap-analysis.sqlite.ts), PostgreSQL prefers joins with hash aggregates
 * (gap-analysis.postgres.ts). What both share is in gap-analysis.statement.ts. figuresOn
 * evaluates several dates in one pass; on SQLite from date-independent facts per person, whose
 * statuses the pure rules give (rules.assess), so rules 2-4 are written in SQL and in rules.ts only.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { addDays, IsoDate } from '../../common/dates';
import type { Framework } from '../../compliance/framework';
import type { Status } from '../../compliance/rules';
import { isPostgres, sql } from '../../database/sql';
import { KeptStatement } from './gap-analysis.kept';
import { PostgresStatement } from './gap-analysis.postgres';
import { SqliteStatement } from './gap-analysis.sqlite';
import {
  CODE_OF_STATUS,
  DATES_SIDE_BY_SIDE,
  type FigureRow,
  type GapStatement,
  Params,
  type PeopleInScope,
  STATUS_OF_CODE,
  StatementParts,
} from './gap-analysis.statement';

export { CODE_OF_STATUS, STATUS_OF_CODE } from './gap-analysis.statement';
export type { FigureRow, PeopleInScope } from './gap-analysis.statement';

export interface PeopleFilter {
  /** Index of the level in framework.levels. */
  levelIndex: number;
  statuses: Status[];
  roleId?: number | null;
  sector?: string | null;
  offset: number;
  limit: number;
}

export interface PersonStatusRow {
  id: number;
  status: Status;
}

type Db = DataSource | EntityManager;

export class GapAnalysisQuery {
  private readonly postgres: boolean;
  private readonly parts: StatementParts;
  private readonly statement: GapStatement;

  private readonly kept: KeptStatement | null;

  /** `kept`: the kept compliance table is up to date (ComplianceKeeper.current), so figures() may read it. */
  constructor(
    private readonly db: Db,
    framework: Framework,
    options: { kept?: boolean } = {},
  ) {
    this.postgres = isPostgres(db);
    this.parts = new StatementParts(framework, this.postgres);
    this.statement = this.postgres ? new PostgresStatement(this.parts) : new SqliteStatement(this.parts);
    this.kept = options.kept ? new KeptStatement(framework, this.parts, this.postgres) : null;
  }

  /**
   * Counts of people per child organisation, sector, roles and statuses: the figures before they
   * are rolled up. From the kept table, a row has the status of one level (the others null).
   */
  async figures(scope: PeopleInScope): Promise<FigureRow[]> {
    if (!this.parts.anyoneCanRequire()) return [];
    if (this.kept) {
      const statement = this.kept.figures(scope);
      return statement.rows(await sql<Record<string, unknown>>(this.db, statement.text, statement.values));
    }
    const params = new Params();
    const p = this.statement.perPerson(scope, params, { names: false });
    const masks = this.parts.maskColumns();
    const qualified = (alias: string) => masks.map((m) => `${alias}.${m}`).join(', ');
    // Counted per organisation first; those rows then per child of the root (the ancestor one
    // level below it) and sector, so only a few hundred rows leave the database.
    const text = `${p.withClause}
      SELECT ${this.parts.childOf(params, scope.rootId)} AS child,
             og.sector, ${qualified('y')}, y.sv, SUM(y.people) AS people
      FROM (SELECT x.org, ${qualified('x')}, x.sv, COUNT(*) AS people
            FROM (SELECT p.org, ${qualified('p')}, ${this.parts.statusVector(p.needOf, p.heldOf)} AS sv FROM ${p.from} WHERE ${p.requiresAnything}) x
            GROUP BY x.org, ${qualified('x')}, x.sv) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, ${qualified('y')}, y.sv`;
    const rows = await this.run<Record<string, number | string | null>>(text, params.values);
    return rows.map((r) => ({
      childId: r.child === null ? null : Number(r.child),
      sector: String(r.sector),
      roleIds: this.parts.rolesOf(masks.map((m) => Number(r[m]))),
      statuses: this.parts.decodeStatuses(Number(r.sv)),
      people: Number(r.people),
    }));
  }

  /**
   * figures() on several dates in one statement (the quarterly and annual reports): people in
   * scope on any of the dates are read once, with their roles and completions, and the rows of
   * each date are returned in the order given (the same rows, once rolled up, as figures() on that
   * date: the agreement test holds both to the rules).
   */
  async figuresOn(scope: Omit<PeopleInScope, 'asOf'>, dates: IsoDate[]): Promise<FigureRow[][]> {
    const distinct = [...new Set(dates)].sort();
    if (distinct.length <= 1) {
      const only = distinct.length ? await this.figures({ ...scope, asOf: distinct[0] }) : [];
      return dates.map(() => only);
    }
    if (!this.parts.anyoneCanRequire()) return dates.map(() => []);
    if (this.kept) {
      // From the kept table each date is one count over the spans covering it: side by side (the read pool's workers).
      const rows = await Promise.all(distinct.map((asOf) => this.figures({ ...scope, asOf })));
      const byDate = new Map(distinct.map((d, k) => [d, rows[k]]));
      return dates.map((d) => byDate.get(d)!);
    }
    if (distinct.length > DATES_SIDE_BY_SIDE) {
      // Statements of a few dates each, run side by side: the read pool (SQLite) and the connection
      // pool (PostgreSQL) give each its own core, and each stays well within DATES_PER_PASS.
      const passes = Math.ceil(distinct.length / DATES_SIDE_BY_SIDE);
      const size = Math.ceil(distinct.length / passes);
      const chunks = Array.from({ length: passes }, (_, n) => distinct.slice(n * size, (n + 1) * size)).filter((c) => c.length > 0);
      const found = new Map<IsoDate, FigureRow[]>();
      const results = await Promise.all(chunks.map((some) => this.figuresOn(scope, some)));
      chunks.forEach((some, n) => results[n].forEach((rows, k) => found.set(some[k], rows)));
      return dates.map((d) => found.get(d)!);
    }
    const params = new Params();
    const on = distinct.map((asOf) => ({ asOf, windowEnd: addDays(asOf, scope.windowDays), D: params.add(asOf) }));
    const rowsOn = await this.statement.figuresOn(scope, params, on, (text, values) => this.run(text, values));
    const byDate = new Map(on.map((d, k) => [d.asOf, rowsOn[k]]));
    return dates.map((d) => byDate.get(d)!);
  }

  /** The people with one of the statuses for a level, ordered by name, one page, and how many in all. */
  async people(scope: PeopleInScope, filter: PeopleFilter): Promise<{ rows: PersonStatusRow[]; total: number }> {
    if (!this.parts.anyoneCanRequire() || filter.statuses.length === 0) return { rows: [], total: 0 };
    const params = new Params();
    const extra: string[] = [];
    if (filter.roleId != null) extra.push(`EXISTS (SELECT 1 FROM staff_roles fr WHERE fr.staff_id = s.id AND fr.role_id = ${params.add(filter.roleId)})`);
    if (filter.sector != null) extra.push(`s.organisation_id IN (SELECT fo.id FROM organisations fo WHERE fo.sector = ${params.add(filter.sector)})`);
    const codes = filter.statuses.map((s) => CODE_OF_STATUS[s]).join(', ');
    const p = this.statement.perPerson(scope, params, { names: true, extra });
    const text = `${p.withClause}
      SELECT x.id, x.sv, COUNT(*) OVER () AS total
      FROM (SELECT p.id, p.last_name, p.first_name, ${this.parts.statusSql(filter.levelIndex, p.needOf, p.heldOf)} AS sv FROM ${p.from}) x
      WHERE x.sv IN (${codes})
      ORDER BY x.last_name, x.first_name, x.id
      LIMIT ${params.add(filter.limit)} OFFSET ${params.add(filter.offset)}`;
    const rows = await this.run<{ id: number; sv: number; total: number | string }>(text, params.values);
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && filter.offset > 0) {
      // Past the last page: count from the first so the pager still knows how many there are.
      total = (await this.people(scope, { ...filter, offset: 0, limit: 1 })).total;
    }
    return { rows: rows.map((r) => ({ id: Number(r.id), status: STATUS_OF_CODE[Number(r.sv)]! })), total };
  }

  /**
   * On PostgreSQL the hash aggregates of one row per person want more than the default 4 MB of
   * memory: given it for this statement only (JIT compiling is off for every connection).
   */
  private async run<T>(text: string, values: unknown[]): Promise<T[]> {
    if (!this.postgres) return sql<T>(this.db, text, values);
    return this.db.transaction(async (m) => {
      await m.query("SET LOCAL work_mem = '64MB'");
      return sql<T>(m, text, values);
    });
  }
}
