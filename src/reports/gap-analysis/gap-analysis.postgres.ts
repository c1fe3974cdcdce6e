/**
 * The gap analysis statement on PostgreSQL: the per-person facts of rules 2 and 3 as joins with
 * hash aggregates (PostgreSQL prefers them to correlated subqueries), kept in separate columns;
 * rule 4 in SQL (StatementParts.statusSql), several dates as columns of their own.
 */
import { within } from '../../access/subtree';
import { addDays } from '../../common/dates';
import type { DateOn, FigureRow, GapStatement, Params, PeopleInScope, PerPerson, PerPersonOptions, RunSql, StatementParts } from './gap-analysis.statement';

interface DatesWith {
  withClause: string;
  /** FROM clause over the per-person rows, as `p`. */
  from: string;
  /** Need of level i on date k, over the per-person rows `p`. */
  needOf: (k: number, i: number) => string;
  /** Score of completion level j on date k, over `p`. */
  heldOf: (k: number, j: number) => string;
}

export class PostgresStatement implements GapStatement {
  constructor(private readonly parts: StatementParts) {}

  perPerson(scope: PeopleInScope, params: Params, options: PerPersonOptions): PerPerson {
    const withClause = this.withClause(scope, params, options);
    return {
      withClause,
      from: 'per p',
      needOf: (i) => `p.n${i}`,
      heldOf: (j) => `p.h${j}`,
      requiresAnything: `(${this.parts.framework.levels.map((_, i) => `p.n${i} > 0`).join(' OR ')})`,
    };
  }

  /** Several dates: the per-person facts of each date in columns of their own, one status vector per date. */
  async figuresOn(scope: Omit<PeopleInScope, 'asOf'>, params: Params, on: DateOn[], run: RunSql): Promise<FigureRow[][]> {
    const { withClause, from, needOf, heldOf } = this.perPersonOn(scope, params, on);
    const statusVector = (k: number) => this.parts.statusVector((i) => needOf(k, i), (j) => heldOf(k, j));
    // 0 when the person is out of scope on that date (or requires nothing: whether anything is required does not depend on the date).
    const svs = on.map((d, k) => `CASE WHEN p.start_date <= ${d.D} AND (p.end_date IS NULL OR p.end_date >= ${d.D}) THEN ${statusVector(k)} ELSE 0 END AS sv${k}`);
    const svCols = (alias: string) => on.map((_, k) => `${alias}.sv${k}`).join(', ');
    const masks = this.parts.maskColumns();
    const qualified = (alias: string) => masks.map((m) => `${alias}.${m}`).join(', ');
    const text = `${withClause}
      SELECT ${this.parts.childOf(params, scope.rootId)} AS child,
             og.sector, ${qualified('y')}, ${svCols('y')}, SUM(y.people) AS people
      FROM (SELECT x.org, ${qualified('x')}, ${svCols('x')}, COUNT(*) AS people
            FROM (SELECT p.org, ${qualified('p')}, ${svs.join(', ')} FROM ${from}) x
            WHERE ${on.map((_, k) => `x.sv${k} <> 0`).join(' OR ')}
            GROUP BY x.org, ${qualified('x')}, ${svCols('x')}) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, ${qualified('y')}, ${svCols('y')}`;
    const rows = await run<Record<string, number | string | null>>(text, params.values);
    return this.parts.figuresPerDate(rows, masks, on.length);
  }

  /**
   * PostgreSQL: the same facts as joins with hash aggregates, kept in separate columns: m<k> role
   * masks, n<i> need per level, h<j> score of each completion level from its latest date.
   */
  private withClause(scope: PeopleInScope, params: Params, options: PerPersonOptions): string {
    const { levels } = this.parts.framework;
    const { asOf } = scope;
    const windowEnd = addDays(asOf, scope.windowDays);
    const masks = this.parts.maskColumns();
    const rows = this.parts.requirementRows(asOf);
    const D = params.add(asOf);
    const where = this.parts.peopleWhere(scope, params, D, options.extra ?? []);
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
      ? `(q.scope_id IS NULL OR ${within('ps.organisation_id', 'q.scope_id')})`
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
                ${levels.map((_, j) => `CASE WHEN pl.l${j} IS NULL THEN 0 ELSE ${this.parts.scoreSql(params, j, `pl.l${j}`, asOf, windowEnd)} END AS h${j}`).join(', ')}
              FROM ps JOIN pn ON pn.id = ps.id LEFT JOIN pl ON pl.staff_id = ps.id)`;
  }

  /** PostgreSQL, several dates: postgresWith with the thresholds, needs and latest completions of each date in columns of their own. */
  private perPersonOn(scope: Omit<PeopleInScope, 'asOf'>, params: Params, on: DateOn[]): DatesWith {
    const { levels } = this.parts.framework;
    const masks = this.parts.maskColumns();
    const first = on[0].D;
    const last = on[on.length - 1].D;
    const rowsOn = on.map((d) => this.parts.requirementRows(d.asOf));
    const where = this.parts.peopleWhere({ ...scope, asOf: on[0].asOf }, params, first, [], last);
    const values = rowsOn[0]
      .map(
        (r, n) =>
          `(CAST(${params.add(r.roleId)} AS INTEGER), CAST(${params.add(r.scopeId)} AS INTEGER), ${r.bits
            .map((b) => `CAST(${params.add(b)} AS BIGINT)`)
            .join(', ')}, ${rowsOn.flatMap((rows) => rows[n].dueIfStartedBy.map((t) => `CAST(${params.add(t)} AS VARCHAR(10))`)).join(', ')})`,
      )
      .join(',\n');
    const t = (k: number, i: number) => `t${k}_${i}`;
    const columns = ['role_id', 'scope_id', ...masks.map((_, k) => `b${k}`), ...on.flatMap((_, k) => levels.map((__, i) => t(k, i)))];
    const applies = rowsOn[0].some((r) => r.scopeId !== null)
      ? `(q.scope_id IS NULL OR ${within('ps.organisation_id', 'q.scope_id')})`
      : 'TRUE';
    const completionsOf = scope.mostOfTree ? 'completions c' : 'ps JOIN completions c ON c.staff_id = ps.id';
    const each = <T>(f: (k: number, i: number) => T) => on.flatMap((_, k) => levels.map((__, i) => f(k, i)));
    const withClause = `WITH rolereq(${columns.join(', ')}) AS (VALUES ${values}),
      ps AS MATERIALIZED (SELECT s.id, s.organisation_id, s.start_date, s.end_date FROM staff s WHERE ${where}),
      pn AS (SELECT ps.id, ${masks.map((m, k) => `CAST(SUM(q.b${k}) AS BIGINT) AS ${m}`).join(', ')},
               ${each((k, i) => `MAX(CASE WHEN q.${t(k, i)} IS NULL THEN 0 WHEN ps.start_date <= q.${t(k, i)} THEN 2 ELSE 1 END) AS n${k}_${i}`).join(', ')}
             FROM ps JOIN staff_roles sr ON sr.staff_id = ps.id JOIN rolereq q ON q.role_id = sr.role_id
             WHERE ${applies} GROUP BY ps.id),
      pl AS (SELECT c.staff_id, ${each((k, j) => `MAX(c.completed_on) FILTER (WHERE c.level_id = ${params.add(levels[j].id)} AND c.completed_on <= ${on[k].D}) AS l${k}_${j}`).join(', ')}
             FROM ${completionsOf} WHERE c.completed_on <= ${last} GROUP BY c.staff_id),
      per AS (SELECT ps.id, ps.organisation_id AS org, ps.start_date, ps.end_date, ${masks.map((m) => `pn.${m}`).join(', ')},
                ${each((k, i) => `pn.n${k}_${i}`).join(', ')},
                ${each((k, j) => `CASE WHEN pl.l${k}_${j} IS NULL THEN 0 ELSE ${this.parts.scoreSql(params, j, `pl.l${k}_${j}`, on[k].asOf, on[k].windowEnd)} END AS h${k}_${j}`).join(', ')}
              FROM ps JOIN pn ON pn.id = ps.id LEFT JOIN pl ON pl.staff_id = ps.id)`;
    return { withClause, from: 'per p', needOf: (k, i) => `p.n${k}_${i}`, heldOf: (k, j) => `p.h${k}_${j}` };
  }
}
