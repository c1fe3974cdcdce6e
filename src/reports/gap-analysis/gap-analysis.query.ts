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
 * figuresOn evaluates several dates in one pass (on SQLite from date-independent facts per person,
 * rules 2-4 then applied per group in JS; see sqliteFiguresOn).
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Predicate } from '../../access/scope.service';
import { ancestorAt, subtreeIds, within } from '../../access/subtree';
import { addDays, IsoDate } from '../../common/dates';
import { Status, STATUSES, validFrom } from '../../compliance/rules';
import { isPostgres, sql } from '../../database/sql';
import type { Framework } from '../../compliance/framework';

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
  /** Who the asker may see, on staff alias `s` (ScopeService.staffPredicate); null only for figures, which count everyone in the subtree. */
  visible: Predicate | null;
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
      SELECT ${ancestorAt('y.org', `og.depth - (SELECT ro.depth FROM organisations ro WHERE ro.id = ${params.add(scope.rootId)}) - 1`)} AS child,
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

  /**
   * figures() on several dates in one statement (the quarterly and annual reports): people in
   * scope on any of the dates are read once, with their roles and completions, and the rows of
   * each date are returned in the order given (the same rows, once rolled up, as figures() on that
   * date: the agreement test holds both to the rules). PostgreSQL: postgresWith with per-date
   * columns and one status vector per date; SQLite: sqliteFiguresOn.
   */
  async figuresOn(scope: Omit<PeopleInScope, 'asOf'>, dates: IsoDate[]): Promise<FigureRow[][]> {
    const distinct = [...new Set(dates)].sort();
    if (distinct.length <= 1) {
      const only = distinct.length ? await this.figures({ ...scope, asOf: distinct[0] }) : [];
      return dates.map(() => only);
    }
    if (!this.anyoneCanRequire()) return dates.map(() => []);
    if (distinct.length > DATES_PER_PASS) {
      // Keeps each level's buckets within one packed column (SQLite) and the statement a sensible size.
      const found = new Map<IsoDate, FigureRow[]>();
      for (let n = 0; n < distinct.length; n += DATES_PER_PASS) {
        const some = distinct.slice(n, n + DATES_PER_PASS);
        (await this.figuresOn(scope, some)).forEach((rows, k) => found.set(some[k], rows));
      }
      return dates.map((d) => found.get(d)!);
    }
    const params = new Params();
    const on = distinct.map((asOf) => ({ asOf, windowEnd: addDays(asOf, scope.windowDays), D: params.add(asOf) }));
    if (!this.postgres) return this.sqliteFiguresOn(scope, params, on, dates);
    const { withClause, from, needOf, heldOf } = this.postgresWithDates(scope, params, on);
    const statusVector = (k: number) =>
      this.framework.levels.map((_, i) => `(${this.statusSql(i, (l) => needOf(k, l), (j) => heldOf(k, j))}) * ${2 ** (STATUS_BITS * i)}`).join(' + ');
    // 0 when the person is out of scope on that date (or requires nothing: whether anything is required does not depend on the date).
    const svs = on.map((d, k) => `CASE WHEN p.start_date <= ${d.D} AND (p.end_date IS NULL OR p.end_date >= ${d.D}) THEN ${statusVector(k)} ELSE 0 END AS sv${k}`);
    const svCols = (alias: string) => on.map((_, k) => `${alias}.sv${k}`).join(', ');
    const qualified = (alias: string) => this.maskColumns().map((m) => `${alias}.${m}`).join(', ');
    const text = `${withClause}
      SELECT ${ancestorAt('y.org', `og.depth - (SELECT ro.depth FROM organisations ro WHERE ro.id = ${params.add(scope.rootId)}) - 1`)} AS child,
             og.sector, ${qualified('y')}, ${svCols('y')}, SUM(y.people) AS people
      FROM (SELECT x.org, ${qualified('x')}, ${svCols('x')}, COUNT(*) AS people
            FROM (SELECT p.org, ${qualified('p')}, ${svs.join(', ')} FROM ${from}) x
            WHERE ${on.map((_, k) => `x.sv${k} <> 0`).join(' OR ')}
            GROUP BY x.org, ${qualified('x')}, ${svCols('x')}) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, ${qualified('y')}, ${svCols('y')}`;
    const rows = await this.run<Record<string, number | string | null>>(text, params.values);
    const perDate = new Map<IsoDate, FigureRow[]>(distinct.map((d) => [d, []]));
    for (const r of rows) {
      const childId = r.child === null ? null : Number(r.child);
      const sector = String(r.sector);
      const roleIds = this.rolesOf(this.maskColumns().map((m) => Number(r[m])));
      const people = Number(r.people);
      on.forEach((d, k) => {
        const sv = Number(r[`sv${k}`]);
        if (sv !== 0) perDate.get(d.asOf)!.push({ childId, sector, roleIds, statuses: this.decodeStatuses(sv), people });
      });
    }
    return dates.map((d) => perDate.get(d)!);
  }

  /**
   * SQLite, several dates. Rule 4 per person and date in SQL, and per-date aggregates over every
   * completion, cost more than the passes themselves, so per person the statement reads only facts
   * that do not depend on the date, packed into integers below 2^53:
   * - from staff_roles: the role masks and, per level, the shortest grace among the requirements
   *   that apply (as a code: 0 none, else graces.length - its index in `graces`);
   * - from staff: how many of the thresholds D - grace (every date, every grace) fall before the
   *   start date, and on which of the dates the person is in scope;
   * - from completions, per level, the set of buckets its completions fall in, a bucket being an
   *   interval between that level's boundaries (each date, and the day before each validFrom date
   *   rule 3 compares with): a completion's score on every date depends only on its bucket.
   * People are counted per organisation and those values; rules 2-4 are then applied per row here.
   */
  private async sqliteFiguresOn(scope: Omit<PeopleInScope, 'asOf'>, params: Params, on: DateOn[], dates: IsoDate[]): Promise<FigureRow[][]> {
    const { levels, roles, requirements } = this.framework;
    const L = levels.length;
    const rankOf = new Map(levels.map((l) => [l.id, l.rank]));
    const masks = this.maskColumns();

    // Rule 2 without the date: per role (unscoped) and per scoped requirement, the shortest grace per level.
    const graces = [...new Set(requirements.map((r) => r.graceDays))].sort((x, y) => x - y);
    const codeOf = (graceDays: number) => graces.length - graces.indexOf(graceDays);
    const graceCodeOf = (covering: { graceDays: number }[]) => (covering.length === 0 ? 0 : codeOf(Math.min(...covering.map((r) => r.graceDays))));
    const covers = (r: { levelId: number }, rank: number) => (rankOf.get(r.levelId) ?? -Infinity) >= rank;
    const perRole = roles.map((role) => {
      const own = requirements.filter((r) => r.roleId === role.id && r.organisationId === null);
      return { roleId: role.id, codes: levels.map((level) => graceCodeOf(own.filter((r) => covers(r, level.rank)))) };
    });
    const scoped = requirements
      .filter((r) => r.organisationId !== null)
      .map((r) => ({ roleId: r.roleId, scopeId: r.organisationId!, codes: levels.map((level) => (covers(r, level.rank) ? codeOf(r.graceDays) : 0)) }));
    const bitsOf = (m: number) => {
      const whens = roles.flatMap((role, ordinal) =>
        Math.floor(ordinal / ROLES_PER_MASK) === m ? [`WHEN ${params.add(role.id)} THEN ${2 ** (ordinal % ROLES_PER_MASK)}`] : [],
      );
      return whens.length ? `SUM(CASE sr.role_id ${whens.join(' ')} ELSE 0 END)` : '0';
    };
    const codeOfLevel = (i: number) => {
      const unscoped = perRole.filter((r) => r.codes[i] > 0).map((r) => `WHEN ${params.add(r.roleId)} THEN ${r.codes[i]}`);
      const terms = unscoped.length ? [`MAX(CASE sr.role_id ${unscoped.join(' ')} ELSE 0 END)`] : [];
      for (const r of scoped.filter((row) => row.codes[i] > 0)) {
        terms.push(
          `MAX(CASE WHEN sr.role_id = ${params.add(r.roleId)} AND ${within('s.organisation_id', params.add(r.scopeId))} THEN ${r.codes[i]} ELSE 0 END)`,
        );
      }
      if (terms.length === 0) return '0';
      return terms.length === 1 ? terms[0] : `MAX(${terms.join(', ')})`;
    };
    const codeWidth = Math.max(1, Math.ceil(Math.log2(graces.length + 1)));

    // Thresholds of rule 2 (D - grace) for every date and grace, and the boundaries of rule 3 per level.
    const thresholds = [...new Set(on.flatMap((d) => graces.map((g) => addDays(d.asOf, -g))))].sort();
    const boundariesOf = levels.map((level) =>
      [
        ...new Set(
          on.flatMap((d) => {
            const fromAtEnd = validFrom(level, d.windowEnd);
            const fromOnD = validFrom(level, d.asOf);
            // x >= from exactly when x > the day before.
            return [d.asOf, ...(fromAtEnd === null || fromOnD === null ? [] : [addDays(fromAtEnd, -1), addDays(fromOnD, -1)])];
          }),
        ),
      ].sort(),
    );

    type Field = { name: string; width: number; sql: () => string };
    const pack = (fields: Field[], prefix: string) => {
      const columns: { name: string; parts: { field: Field; shift: number }[]; used: number }[] = [];
      const at = new Map<string, { column: string; shift: number; width: number }>();
      for (const field of fields) {
        let column = columns[columns.length - 1];
        if (!column || column.used + field.width > PACKED_BITS) columns.push((column = { name: `${prefix}${columns.length}`, parts: [], used: 0 }));
        column.parts.push({ field, shift: column.used });
        at.set(field.name, { column: column.name, shift: column.used, width: field.width });
        column.used += field.width;
      }
      return { columns, at };
    };
    const rolePack = pack(
      [
        ...masks.map((m, k) => ({ name: m, width: Math.min(ROLES_PER_MASK, roles.length - k * ROLES_PER_MASK), sql: () => bitsOf(k) })),
        ...levels.map((_, i) => ({ name: `g${i}`, width: codeWidth, sql: () => codeOfLevel(i) })),
      ],
      'rq',
    );
    // A completion's bucket as a bit (a few comparisons: binary search over the boundaries).
    const bucketBit = (j: number, offset: number) => {
      const bounds = boundariesOf[j];
      const search = (lo: number, hi: number): string => {
        if (lo === hi) return String(2 ** (offset + lo));
        const mid = Math.floor((lo + hi) / 2);
        return `CASE WHEN c.completed_on > ${params.add(bounds[mid])} THEN ${search(mid + 1, hi)} ELSE ${search(lo, mid)} END`;
      };
      return search(0, bounds.length);
    };
    const heldPack = pack(
      levels.map((_, j) => ({ name: `b${j}`, width: boundariesOf[j].length + 1, sql: () => '' })),
      'hq',
    );
    const heldColumn = (parts: { field: Field; shift: number }[]) => {
      const whens = parts.map((p) => {
        const j = Number(p.field.name.slice(1));
        return `WHEN ${params.add(levels[j].id)} THEN ${bucketBit(j, p.shift)}`;
      });
      // Each bucket once: the sum of distinct powers of two is their union.
      return `SUM(DISTINCT CASE c.level_id ${whens.join(' ')} END)`;
    };
    const expression = (parts: { field: Field; shift: number }[]) => parts.map((p) => (p.shift === 0 ? `(${p.field.sql()})` : `(${p.field.sql()}) * ${2 ** p.shift}`)).join(' + ');

    const first = on[0].D;
    const last = on[on.length - 1].D;
    const where = this.peopleWhere({ ...scope, asOf: on[0].asOf }, params, first, [], last);
    const startBucket = thresholds.length ? thresholds.map((t) => `(s.start_date > ${params.add(t)})`).join(' + ') : '0';
    const inScope = on.map((d, k) => `(CASE WHEN s.start_date <= ${d.D} AND (s.end_date IS NULL OR s.end_date >= ${d.D}) THEN ${2 ** k} ELSE 0 END)`).join(' + ');
    const packed = [...rolePack.columns.map((c) => c.name), ...heldPack.columns.map((c) => c.name), 'sb', 'f'];
    const selects = [
      ...rolePack.columns.map((c) => `COALESCE((SELECT ${expression(c.parts)} FROM staff_roles sr WHERE sr.staff_id = s.id), 0) AS ${c.name}`),
      ...heldPack.columns.map((c) => `COALESCE((SELECT ${heldColumn(c.parts)} FROM completions c WHERE c.staff_id = s.id AND c.completed_on <= ${last}), 0) AS ${c.name}`),
      `${startBucket} AS sb`,
      `${inScope} AS f`,
    ];
    const cols = (alias: string) => packed.map((c) => `${alias}.${c}`).join(', ');
    // LIMIT -1 keeps SQLite from copying the subqueries into every expression that reads them.
    const text = `WITH per AS (SELECT s.organisation_id AS org, ${selects.join(',\n          ')}
        FROM staff s WHERE ${where} LIMIT -1)
      SELECT ${ancestorAt('y.org', `og.depth - (SELECT ro.depth FROM organisations ro WHERE ro.id = ${params.add(scope.rootId)}) - 1`)} AS child,
             og.sector, ${cols('y')}, SUM(y.people) AS people
      FROM (SELECT x.org, ${cols('x')}, COUNT(*) AS people FROM per x WHERE x.f <> 0 GROUP BY x.org, ${cols('x')}) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, ${cols('y')}`;
    const rows = await this.run<Record<string, number | string | null>>(text, params.values);

    const reader = (field: string) => {
      const { column, shift, width } = (rolePack.at.get(field) ?? heldPack.at.get(field))!;
      const [below, span] = [2 ** shift, 2 ** width];
      return (row: Record<string, unknown>) => Math.floor(Number(row[column]) / below) % span;
    };
    const codeReaders = levels.map((_, i) => reader(`g${i}`));
    const bucketReaders = levels.map((_, j) => reader(`b${j}`));
    const maskReaders = masks.map((m) => reader(m));
    // Per date: the last threshold index at which each grace code is due, and per level the bucket indices of rule 3.
    const thresholdIndex = new Map(thresholds.map((t, m) => [t, m]));
    const dueUpTo = on.map((d) => [-1, ...graces.map((_, n) => thresholdIndex.get(addDays(d.asOf, -graces[graces.length - 1 - n]))!)]);
    const scoring = on.map((d) =>
      levels.map((level, j) => {
        const bounds = boundariesOf[j];
        const fromAtEnd = validFrom(level, d.windowEnd);
        const fromOnD = validFrom(level, d.asOf);
        // Bucket b holds completions after b boundaries: on or before D when b <= the index of D.
        const forever = fromAtEnd === null || fromOnD === null;
        return {
          upTo: bounds.indexOf(d.asOf),
          validAtEnd: forever ? -1 : bounds.indexOf(addDays(fromAtEnd, -1)),
          validOnD: forever ? -1 : bounds.indexOf(addDays(fromOnD, -1)),
        };
      }),
    );
    // Rows with the same group and statuses on a date are merged before rolling up.
    const perDate = on.map(() => new Map<string, FigureRow>());
    for (const r of rows) {
      const f = Number(r.f);
      const sb = Number(r.sb);
      const codes = codeReaders.map((read) => read(r));
      if (codes.every((c) => c === 0)) continue;
      const buckets = bucketReaders.map((read) => read(r));
      const maskValues = maskReaders.map((read) => read(r));
      const people = Number(r.people);
      const group = `${String(r.child)}|${String(r.sector)}|${maskValues.join(',')}|`;
      let roleIds: number[] | null = null;
      for (let k = 0; k < on.length; k++) {
        if (Math.floor(f / 2 ** k) % 2 === 0) continue;
        // Rule 3: per completion level, the score of its latest bucket on or before D.
        const held = scoring[k].map(({ upTo, validAtEnd, validOnD }, j) => {
          for (let bucket = upTo; bucket >= 0; bucket--) {
            if (Math.floor(buckets[j] / 2 ** bucket) % 2 === 1) return bucket > validAtEnd ? 3 : bucket > validOnD ? 2 : 1;
          }
          return 0;
        });
        // Rule 2: due once the shortest grace has passed since the start date; rule 4 from need and the best score.
        const statuses = codes.map((code, i) => {
          if (code === 0) return null;
          let best = 0;
          for (let j = i; j < L; j++) if (held[j] > best) best = held[j];
          return statusOf(sb <= dueUpTo[k][code] ? 2 : 1, best);
        });
        const key = group + statuses.join(',');
        const kept = perDate[k].get(key);
        if (kept) kept.people += people;
        else {
          roleIds ??= this.rolesOf(maskValues);
          perDate[k].set(key, { childId: r.child === null ? null : Number(r.child), sector: String(r.sector), roleIds, statuses, people });
        }
      }
    }
    const byDate = new Map(on.map((d, k) => [d.asOf, [...perDate[k].values()]]));
    return dates.map((d) => byDate.get(d)!);
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
  private peopleWhere(scope: PeopleInScope, params: Params, D: string, extra: string[], last: string = D): string {
    // '+' stops SQLite using the organisation index when it would visit most of the table anyway.
    const org = `${!this.postgres && scope.mostOfTree ? '+' : ''}s.organisation_id`;
    return [
      `${org} IN (${subtreeIds(params.add(scope.rootId))})`,
      `s.start_date <= ${last}`,
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
      // Bits as integer literals: better-sqlite3 binds numbers as REAL, and 2^47 * 4^levels plus the need would lose the need.
      const whens = primary.filter((r) => r.bits[k] !== 0).map((r) => `WHEN ${params.add(r.roleId)} THEN ${r.bits[k]}`);
      return whens.length ? `SUM(CASE sr.role_id ${whens.join(' ')} ELSE 0 END)` : '0';
    };
    const dueOrGrace = (threshold: IsoDate) => `CASE WHEN s.start_date <= ${params.add(threshold)} THEN 2 ELSE 1 END`;
    const needOfLevel = (i: number) => {
      const unscoped = primary.filter((r) => r.dueIfStartedBy[i] !== null).map((r) => `WHEN ${params.add(r.roleId)} THEN ${dueOrGrace(r.dueIfStartedBy[i]!)}`);
      const terms = unscoped.length ? [`MAX(CASE sr.role_id ${unscoped.join(' ')} ELSE 0 END)`] : [];
      for (const r of scopedRows.filter((row) => row.dueIfStartedBy[i] !== null)) {
        terms.push(
          `MAX(CASE WHEN sr.role_id = ${params.add(r.roleId)} AND ${within('s.organisation_id', params.add(r.scopeId))} THEN ${dueOrGrace(r.dueIfStartedBy[i]!)} ELSE 0 END)`,
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
                ${levels.map((_, j) => `CASE WHEN pl.l${j} IS NULL THEN 0 ELSE ${this.scoreSql(params, j, `pl.l${j}`, asOf, windowEnd)} END AS h${j}`).join(', ')}
              FROM ps JOIN pn ON pn.id = ps.id LEFT JOIN pl ON pl.staff_id = ps.id)`;
  }

  /** PostgreSQL, several dates: postgresWith with the thresholds, needs and latest completions of each date in columns of their own. */
  private postgresWithDates(scope: Omit<PeopleInScope, 'asOf'>, params: Params, on: DateOn[]): DatesWith {
    const { levels } = this.framework;
    const masks = this.maskColumns();
    const first = on[0].D;
    const last = on[on.length - 1].D;
    const rowsOn = on.map((d) => this.requirementRows(d.asOf));
    const where = this.peopleWhere({ ...scope, asOf: on[0].asOf }, params, first, [], last);
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
                ${each((k, j) => `CASE WHEN pl.l${k}_${j} IS NULL THEN 0 ELSE ${this.scoreSql(params, j, `pl.l${k}_${j}`, on[k].asOf, on[k].windowEnd)} END AS h${k}_${j}`).join(', ')}
              FROM ps JOIN pn ON pn.id = ps.id LEFT JOIN pl ON pl.staff_id = ps.id)`;
    return { withClause, from: 'per p', needOf: (k, i) => `p.n${k}_${i}`, heldOf: (k, j) => `p.h${k}_${j}` };
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
  private statusSql(i: number, needOf = (l: number) => this.needSql(l), heldOf = (j: number) => this.heldSql(j)): string {
    const scores = this.framework.levels.map((_, j) => j).filter((j) => j >= i).map(heldOf);
    const best = scores.length === 1 ? scores[0] : `${this.postgres ? 'GREATEST' : 'MAX'}(${scores.join(', ')})`;
    const need = needOf(i);
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

interface DateOn {
  asOf: IsoDate;
  windowEnd: IsoDate;
  /** The date's placeholder. */
  D: string;
}

/** Rule 4 from need (0 not required, 1 within grace, 2 due) and the best score (statusSql in JS). */
function statusOf(need: number, best: number): Status | null {
  if (need === 0) return null;
  if (best === 3) return 'compliant';
  if (best === 2) return 'expiring';
  if (need === 1) return 'pending';
  return best === 1 ? 'expired' : 'missing';
}

/** At most this many dates in one statement: 3 boundaries per date and level, and one more, stay within PACKED_BITS. */
const DATES_PER_PASS = 12;

/** Bits per packed SQLite column: read back in JS, so below 2^53. */
const PACKED_BITS = 52;

interface DatesWith {
  withClause: string;
  /** FROM clause over the per-person rows, as `p`. */
  from: string;
  /** Need of level i on date k, over the per-person rows `p`. */
  needOf: (k: number, i: number) => string;
  /** Score of completion level j on date k, over `p`. */
  heldOf: (k: number, j: number) => string;
}
