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
 * Two shapes of the same statement: SQLite evaluates correlated subqueries per person cheaply
 * (one index seek each, in staff id order), PostgreSQL prefers joins with hash aggregates.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Predicate } from '../auth/scope.service';
import { addDays, IsoDate } from '../common/dates';
import { Status, STATUSES, validFrom } from '../compliance/rules';
import { isPostgres, sql } from '../database/sql';
import type { Framework } from '../compliance/framework';

/** Status codes used inside the SQL: 0 not required, then STATUSES in order from 1. */
export const STATUS_OF_CODE: (Status | null)[] = [null, ...STATUSES];
export const CODE_OF_STATUS = Object.fromEntries(STATUSES.map((s, i) => [s, i + 1])) as Record<Status, number>;

/** Bits per status in the status vector, and role bits per mask column (JS numbers stay exact below 2^53). */
const STATUS_BITS = 3;
const ROLES_PER_MASK = 48;

/** Who is counted: people in the organisation's subtree, in scope on asOf, and visible. */
export interface PeopleInScope {
  rootId: number;
  asOf: IsoDate;
  windowDays: number;
  /** A further condition on staff alias `s` (ScopeService.staffPredicate), TypeORM :named parameters. */
  visible?: Predicate | null;
  /** The subtree holds most organisations: read staff in table order rather than through the organisation index. */
  mostOfTree?: boolean;
}

/** People under the same child of the root, in the same sector, with the same roles and statuses. */
export interface FigureRow {
  /** The child of the report's organisation they are under; null for people of the organisation itself. */
  childId: number | null;
  /** Their own organisation's sector. */
  sector: string;
  roleIds: number[];
  /** Per level, in framework order: the status, or null when the level is not required. */
  statuses: (Status | null)[];
  people: number;
}

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

/** Collects parameter values and hands out their $n placeholders. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A TypeORM-style predicate (:name parameters) rewritten with $n placeholders. */
  predicate(p: Predicate): string {
    return p.sql.replace(/:(\w+)/g, (whole, name: string) => (name in p.params ? this.add(p.params[name]) : whole));
  }
}

export class GapAnalysisQuery {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Db,
    private readonly framework: Framework,
  ) {
    this.postgres = isPostgres(db);
  }

  /** Counts of people per child organisation, sector, role mask and statuses: the figures before they are rolled up. */
  async figures(scope: PeopleInScope): Promise<FigureRow[]> {
    if (!this.anyoneCanRequire()) return [];
    const params = new Params();
    const statusVector = this.framework.levels.map((_, i) => `(${this.statusSql(i)}) * ${2 ** (STATUS_BITS * i)}`).join(' + ');
    const qualified = (alias: string) => this.maskColumns().map((m) => `${alias}.${m}`).join(', ');
    // Counted per organisation first; those rows then per child of the root (the ancestor one
    // level below it) and sector, so only a few hundred rows leave the database.
    const text = `${this.withClause(scope, params, { names: false })}
      SELECT (SELECT gc.ancestor_id FROM organisation_closure gc
               WHERE gc.descendant_id = y.org AND gc.depth = og.depth - (SELECT ro.depth FROM organisations ro WHERE ro.id = ${params.add(scope.rootId)}) - 1) AS child,
             og.sector, ${qualified('y')}, y.sv, SUM(y.people) AS people
      FROM (SELECT x.org, ${qualified('x')}, x.sv, COUNT(*) AS people
            FROM (SELECT p.org, ${qualified('p')}, ${statusVector} AS sv FROM ${this.perPersonFrom()} WHERE ${this.requiresAnything()}) x
            GROUP BY x.org, ${qualified('x')}, x.sv) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, ${qualified('y')}, y.sv`;
    const rows = await this.run<Record<string, number | string | null>>(text, params.values);
    return rows.map((r) => ({
      childId: r.child === null ? null : Number(r.child),
      sector: String(r.sector),
      roleIds: this.rolesOf(this.maskColumns().map((m) => Number(r[m]))),
      statuses: this.decodeStatuses(Number(r.sv)),
      people: Number(r.people),
    }));
  }

  /** The people with one of the statuses for a level, ordered by name, one page, and how many in all. */
  async people(scope: PeopleInScope, filter: PeopleFilter): Promise<{ rows: PersonStatusRow[]; total: number }> {
    if (!this.anyoneCanRequire() || filter.statuses.length === 0) return { rows: [], total: 0 };
    const params = new Params();
    const extra: string[] = [];
    if (filter.roleId != null) extra.push(`EXISTS (SELECT 1 FROM staff_roles fr WHERE fr.staff_id = s.id AND fr.role_id = ${params.add(filter.roleId)})`);
    if (filter.sector != null) extra.push(`s.organisation_id IN (SELECT fo.id FROM organisations fo WHERE fo.sector = ${params.add(filter.sector)})`);
    const codes = filter.statuses.map((s) => CODE_OF_STATUS[s]).join(', ');
    const text = `${this.withClause(scope, params, { names: true, extra })}
      SELECT x.id, x.sv, COUNT(*) OVER () AS total
      FROM (SELECT p.id, p.last_name, p.first_name, ${this.statusSql(filter.levelIndex)} AS sv FROM ${this.perPersonFrom()}) x
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

  // --- building blocks -------------------------------------------------------------------------

  /**
   * PostgreSQL would spend longer compiling this statement (JIT) than running it, and its hash
   * aggregates of one row per person want more than the default 4 MB; both only for this statement.
   */
  private async run<T>(text: string, values: unknown[]): Promise<T[]> {
    if (!this.postgres) return sql<T>(this.db, text, values);
    return this.db.transaction(async (m) => {
      await m.query('SET LOCAL jit = off');
      await m.query("SET LOCAL work_mem = '64MB'");
      return sql<T>(m, text, values);
    });
  }

  private anyoneCanRequire(): boolean {
    const { roles, requirements, levels } = this.framework;
    return roles.length > 0 && requirements.length > 0 && levels.length > 0;
  }

  private maskColumns(): string[] {
    const count = Math.max(1, Math.ceil(this.framework.roles.length / ROLES_PER_MASK));
    return Array.from({ length: count }, (_, k) => `m${k}`);
  }

  private rolesOf(masks: number[]): number[] {
    const ids: number[] = [];
    masks.forEach((mask, k) => {
      for (let bit = 0, rest = mask; rest > 0; bit++, rest = Math.floor(rest / 2)) {
        if (rest % 2 === 1) ids.push(this.framework.roles[k * ROLES_PER_MASK + bit].id);
      }
    });
    return ids;
  }

  private decodeStatuses(sv: number): (Status | null)[] {
    return this.framework.levels.map((_, i) => STATUS_OF_CODE[Math.floor(sv / 2 ** (STATUS_BITS * i)) % 2 ** STATUS_BITS]);
  }

  /**
   * Rule 2 as rows: one per role (its bit in the role masks, and per level the latest start date
   * already past grace among its unscoped requirements at rank >= L, or null), then one per
   * scoped requirement (no bits; its organisation; its thresholds).
   */
  private requirementRows(asOf: IsoDate): RequirementRow[] {
    const { levels, roles, requirements } = this.framework;
    const rankOf = new Map(levels.map((l) => [l.id, l.rank]));
    const masks = this.maskColumns();
    const dueIfStartedBy = (graceDays: number) => addDays(asOf, -graceDays);
    const perRole = roles.map((role, ordinal): RequirementRow => {
      const own = requirements.filter((r) => r.roleId === role.id && r.organisationId === null);
      return {
        roleId: role.id,
        scopeId: null,
        bits: masks.map((_, k) => (Math.floor(ordinal / ROLES_PER_MASK) === k ? 2 ** (ordinal % ROLES_PER_MASK) : 0)),
        dueIfStartedBy: levels.map((level) => {
          const covering = own.filter((r) => (rankOf.get(r.levelId) ?? -Infinity) >= level.rank);
          // The shortest grace gives the latest start date that is already due.
          return covering.length === 0 ? null : dueIfStartedBy(Math.min(...covering.map((r) => r.graceDays)));
        }),
      };
    });
    const scoped = requirements
      .filter((r) => r.organisationId !== null)
      .map((r): RequirementRow => {
        const rank = rankOf.get(r.levelId) ?? -Infinity;
        return {
          roleId: r.roleId,
          scopeId: r.organisationId,
          bits: masks.map(() => 0),
          dueIfStartedBy: levels.map((l) => (rank >= l.rank ? dueIfStartedBy(r.graceDays) : null)),
        };
      });
    return [...perRole, ...scoped];
  }

  /** The people counted, as a WHERE clause on staff `s`. */
  private peopleWhere(scope: PeopleInScope, params: Params, D: string, extra: string[]): string {
    // '+' stops SQLite using the organisation index when it would visit most of the table anyway.
    const org = `${!this.postgres && scope.mostOfTree ? '+' : ''}s.organisation_id`;
    return [
      `${org} IN (SELECT oc.descendant_id FROM organisation_closure oc WHERE oc.ancestor_id = ${params.add(scope.rootId)})`,
      `s.start_date <= ${D}`,
      `(s.end_date IS NULL OR s.end_date >= ${D})`,
      ...(scope.visible ? [`(${params.predicate(scope.visible)})`] : []),
      ...extra,
    ].join(' AND ');
  }

  /** Rule 3 for level j's completions as SQL over a date: 3 valid on D + W, 2 valid on D only, 1 lapsed. */
  private scoreSql(params: Params, j: number, date: string, asOf: IsoDate, windowEnd: IsoDate): string {
    const level = this.framework.levels[j];
    const fromAtEnd = validFrom(level, windowEnd);
    const fromOnD = validFrom(level, asOf);
    if (fromAtEnd === null || fromOnD === null) return '3';
    return `CASE WHEN ${date} >= ${params.add(fromAtEnd)} THEN 3 WHEN ${date} >= ${params.add(fromOnD)} THEN 2 ELSE 1 END`;
  }

  private withClause(scope: PeopleInScope, params: Params, options: { names: boolean; extra?: string[] }): string {
    return this.postgres ? this.postgresWith(scope, params, options) : this.sqliteWith(scope, params, options);
  }

  /**
   * SQLite: per person, one pass over their staff_roles (role bits and need, each role's
   * thresholds written into CASE expressions: cheaper than a join per person) and one over their
   * completions (index staff_id, level_id, completed_on). need packs 2 bits per level under the
   * role mask; held packs each completion level's score in 2 bits.
   */
  private sqliteWith(scope: PeopleInScope, params: Params, options: { names: boolean; extra?: string[] }): string {
    const { levels } = this.framework;
    const { asOf } = scope;
    const windowEnd = addDays(asOf, scope.windowDays);
    const rows = this.requirementRows(asOf);
    const primary = rows.filter((r) => r.scopeId === null);
    const scopedRows = rows.filter((r) => r.scopeId !== null);
    const D = params.add(asOf);
    const where = this.peopleWhere(scope, params, D, options.extra ?? []);

    const bitsOf = (k: number) => {
      const whens = primary.filter((r) => r.bits[k] !== 0).map((r) => `WHEN ${params.add(r.roleId)} THEN ${params.add(r.bits[k])}`);
      return whens.length ? `SUM(CASE sr.role_id ${whens.join(' ')} ELSE 0 END)` : '0';
    };
    const dueOrGrace = (threshold: IsoDate) => `CASE WHEN s.start_date <= ${params.add(threshold)} THEN 2 ELSE 1 END`;
    const needOfLevel = (i: number) => {
      const unscoped = primary.filter((r) => r.dueIfStartedBy[i] !== null).map((r) => `WHEN ${params.add(r.roleId)} THEN ${dueOrGrace(r.dueIfStartedBy[i]!)}`);
      const terms = unscoped.length ? [`MAX(CASE sr.role_id ${unscoped.join(' ')} ELSE 0 END)`] : [];
      for (const r of scopedRows.filter((row) => row.dueIfStartedBy[i] !== null)) {
        terms.push(
          `MAX(CASE WHEN sr.role_id = ${params.add(r.roleId)} AND EXISTS (SELECT 1 FROM organisation_closure rc
             WHERE rc.ancestor_id = ${params.add(r.scopeId)} AND rc.descendant_id = s.organisation_id) THEN ${dueOrGrace(r.dueIfStartedBy[i]!)} ELSE 0 END)`,
        );
      }
      if (terms.length === 0) return '0';
      // max() with several arguments is SQLite's scalar maximum.
      return terms.length === 1 ? terms[0] : `MAX(${terms.join(', ')})`;
    };
    const need = [`${bitsOf(0)} * ${4 ** levels.length}`, ...levels.map((_, i) => `${needOfLevel(i)} * ${4 ** i}`)].join(' + ');
    const held = levels
      .map((l, j) => `COALESCE(MAX(CASE WHEN c.level_id = ${params.add(l.id)} THEN ${this.scoreSql(params, j, 'c.completed_on', asOf, windowEnd)} END), 0) * ${4 ** j}`)
      .join(' + ');
    const extraMasks = this.maskColumns()
      .slice(1)
      .map((m, k) => `, (SELECT ${bitsOf(k + 1)} FROM staff_roles sr WHERE sr.staff_id = s.id) AS ${m}`);
    // LIMIT -1 keeps SQLite from copying the subqueries into every expression that reads them.
    return `WITH per AS (SELECT s.id, s.organisation_id AS org${options.names ? ', s.last_name, s.first_name' : ''},
          COALESCE((SELECT ${need} FROM staff_roles sr WHERE sr.staff_id = s.id), 0) AS need,
          (SELECT ${held} FROM completions c WHERE c.staff_id = s.id AND c.completed_on <= ${D}) AS held
          ${extraMasks.join('')}
        FROM staff s WHERE ${where} LIMIT -1)`;
  }

  /**
   * PostgreSQL: the same facts as joins with hash aggregates, kept in separate columns: m<k> role
   * masks, n<i> need per level, h<j> score of each completion level from its latest date.
   */
  private postgresWith(scope: PeopleInScope, params: Params, options: { names: boolean; extra?: string[] }): string {
    const { levels } = this.framework;
    const { asOf } = scope;
    const windowEnd = addDays(asOf, scope.windowDays);
    const masks = this.maskColumns();
    const rows = this.requirementRows(asOf);
    const D = params.add(asOf);
    const where = this.peopleWhere(scope, params, D, options.extra ?? []);
    const values = rows
      .map(
        (r) =>
          `(CAST(${params.add(r.roleId)} AS INTEGER), CAST(${params.add(r.scopeId)} AS INTEGER), ${r.bits
            .map((b) => `CAST(${params.add(b)} AS BIGINT)`)
            .join(', ')}, ${r.dueIfStartedBy.map((t) => `CAST(${params.add(t)} AS VARCHAR(10))`).join(', ')})`,
      )
      .join(',\n');
    const columns = ['role_id', 'scope_id', ...masks.map((_, k) => `b${k}`), ...levels.map((_, i) => `t${i}`)];
    const applies = rows.some((r) => r.scopeId !== null)
      ? `(q.scope_id IS NULL OR EXISTS (SELECT 1 FROM organisation_closure rc WHERE rc.ancestor_id = q.scope_id AND rc.descendant_id = ps.organisation_id))`
      : 'TRUE';
    const names = options.names ? ', s.last_name, s.first_name' : '';
    // Over most of the tree, reading every completion beats joining them to the people first.
    const completionsOf = scope.mostOfTree ? 'completions c' : 'ps JOIN completions c ON c.staff_id = ps.id';
    return `WITH rolereq(${columns.join(', ')}) AS (VALUES ${values}),
      ps AS MATERIALIZED (SELECT s.id, s.organisation_id, s.start_date${names} FROM staff s WHERE ${where}),
      pn AS (SELECT ps.id, ${masks.map((m, k) => `CAST(SUM(q.b${k}) AS BIGINT) AS ${m}`).join(', ')},
               ${levels.map((_, i) => `MAX(CASE WHEN q.t${i} IS NULL THEN 0 WHEN ps.start_date <= q.t${i} THEN 2 ELSE 1 END) AS n${i}`).join(', ')}
             FROM ps JOIN staff_roles sr ON sr.staff_id = ps.id JOIN rolereq q ON q.role_id = sr.role_id
             WHERE ${applies} GROUP BY ps.id),
      pl AS (SELECT c.staff_id, ${levels.map((l, j) => `MAX(c.completed_on) FILTER (WHERE c.level_id = ${params.add(l.id)}) AS l${j}`).join(', ')}
             FROM ${completionsOf} WHERE c.completed_on <= ${D} GROUP BY c.staff_id),
      per AS (SELECT ps.id, ps.organisation_id AS org${names.replace(/s\./g, 'ps.')}, ${masks.map((m) => `pn.${m}`).join(', ')},
                ${levels.map((_, i) => `pn.n${i}`).join(', ')},
                ${levels.map((_, j) => `CASE WHEN pl.l${j} IS NULL THEN 0 ELSE ${this.scoreSql(params, j, `pl.l${j}`, asOf, windowEnd)} END AS h${j}`).join(', ')}
              FROM ps JOIN pn ON pn.id = ps.id LEFT JOIN pl ON pl.staff_id = ps.id)`;
  }

  /** FROM clause over the per-person rows. */
  private perPersonFrom(): string {
    if (this.postgres) return 'per p';
    return `(SELECT per.*, need >> ${2 * this.framework.levels.length} AS m0 FROM per) p`;
  }

  private needSql(i: number): string {
    return this.postgres ? `p.n${i}` : `((p.need >> ${2 * i}) & 3)`;
  }

  private heldSql(j: number): string {
    return this.postgres ? `p.h${j}` : `((p.held >> ${2 * j}) & 3)`;
  }

  private requiresAnything(): string {
    if (this.postgres) return `(${this.framework.levels.map((_, i) => `p.n${i} > 0`).join(' OR ')})`;
    return `(p.need & ${4 ** this.framework.levels.length - 1}) <> 0`;
  }

  /** Rule 4 as a CASE over need and scores for level i (completions at rank >= L count). */
  private statusSql(i: number): string {
    const scores = this.framework.levels.map((_, j) => j).filter((j) => j >= i).map((j) => this.heldSql(j));
    const best = scores.length === 1 ? scores[0] : `${this.postgres ? 'GREATEST' : 'MAX'}(${scores.join(', ')})`;
    const need = this.needSql(i);
    const c = CODE_OF_STATUS;
    return `CASE WHEN ${need} = 0 THEN 0 WHEN ${best} = 3 THEN ${c.compliant} WHEN ${best} = 2 THEN ${c.expiring}
      WHEN ${need} = 1 THEN ${c.pending} WHEN ${best} = 1 THEN ${c.expired} ELSE ${c.missing} END`;
  }
}

interface RequirementRow {
  roleId: number;
  scopeId: number | null;
  bits: number[];
  /** Per level: the latest start date already past grace, or null when the row does not require it. */
  dueIfStartedBy: (IsoDate | null)[];
}
