/**
 * The gap analysis statement on SQLite: per person, correlated subqueries (one index seek each,
 * in staff id order, cheaper on SQLite than joins) pack the facts of rules 2 and 3 into integers;
 * rule 4 is SQL (StatementParts.statusSql). For several dates the per-person part reads only
 * facts that do not depend on the date, and rules 2-4 are applied per date in the same statement
 * to the groups of people who share those facts. No rule is applied in JavaScript.
 */
import { within } from '../../access/subtree';
import { addDays, IsoDate } from '../../common/dates';
import { validFrom } from '../../compliance/rules';
import type { DateOn, FigureRow, GapStatement, Params, PeopleInScope, PerPerson, PerPersonOptions, RunSql, StatementParts } from './gap-analysis.statement';
import { ROLES_PER_MASK } from './gap-analysis.statement';

/** Bits per packed SQLite column: read back in JS, so below 2^53. */
const PACKED_BITS = 52;

export class SqliteStatement implements GapStatement {
  constructor(private readonly parts: StatementParts) {}

  perPerson(scope: PeopleInScope, params: Params, options: PerPersonOptions): PerPerson {
    const L = this.parts.framework.levels.length;
    return {
      withClause: this.withClause(scope, params, options),
      from: `(SELECT per.*, need >> ${2 * L} AS m0 FROM per) p`,
      needOf: (i) => `((p.need >> ${2 * i}) & 3)`,
      heldOf: (j) => `((p.held >> ${2 * j}) & 3)`,
      requiresAnything: `(p.need & ${4 ** L - 1}) <> 0`,
    };
  }

  /**
   * Several dates. Rule 4 per person and date in SQL, and per-date aggregates over every
   * completion, cost more than the passes themselves, so per person the statement reads only facts
   * that do not depend on the date, packed into integers below 2^53:
   * - from staff_roles: the role masks and, per level, the shortest grace among the requirements
   *   that apply (as a code: 0 none, else graces.length - its index in `graces`);
   * - from staff: how many of the thresholds D - grace (every date, every grace) fall before the
   *   start date, and on which of the dates the person is in scope;
   * - from completions, per level, the set of buckets its completions fall in, a bucket being an
   *   interval between that level's boundaries (each date, and the day before each validFrom date
   *   rule 3 compares with): a completion's status on every date depends only on its bucket.
   * People are counted per organisation and those values (a few thousand groups); for each group
   * and date the statement then works out need (rule 2) and scores (rule 3) from the packed values
   * by comparing them with integer literals, and the status by rule 4's CASE (statusSql), as the
   * single-date statement does per person.
   */
  async figuresOn(scope: Omit<PeopleInScope, 'asOf'>, params: Params, on: DateOn[], run: RunSql): Promise<FigureRow[][]> {
    const { levels, roles, requirements } = this.parts.framework;
    const rankOf = new Map(levels.map((l) => [l.id, l.rank]));
    const masks = this.parts.maskColumns();

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
    const where = this.parts.peopleWhere({ ...scope, asOf: on[0].asOf }, params, first, [], last);
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

    // Rules 2-4 per date in SQL over the groups of people with the same packed facts (a few
    // thousand rows, not one per person): each packed fact read back with shifts and masks, the
    // need and scores of each date compared with integer literals, rule 4 by statusSql.
    // Each packed fact is unpacked once per group in its own stage (SQLite does not share repeated
    // expressions, and rules 2-4 read each fact several times per date).
    const unpacked = [...rolePack.at, ...heldPack.at].map(([name, { column, shift, width }]) => `((g.${column} >> ${shift}) & ${2 ** width - 1}) AS ${name}`);
    const field = (name: string) => `g.${name}`;
    const thresholdIndex = new Map(thresholds.map((t, m) => [t, m]));
    // Rule 2 on date k: due once the shortest grace (its code) has passed since the start, i.e. when at most `index` thresholds fall before the start date.
    const needOn = (k: number, i: number) => {
      const whens = graces.map((_, n) => {
        const code = graces.length - n;
        const index = thresholdIndex.get(addDays(on[k].asOf, -graces[n]))!;
        return `WHEN ${code} THEN CASE WHEN g.sb <= ${index} THEN 2 ELSE 1 END`;
      });
      return `(CASE ${field(`g${i}`)} ${whens.join(' ')} ELSE 0 END)`;
    };
    // Bits of the buckets after `lo` up to `hi` (indices), as an integer literal.
    const range = (lo: number, hi: number) => (hi > lo ? 2 ** (hi + 1) - 2 ** (lo + 1) : 0);
    // Rule 3 on date k for completion level j: the latest bucket on or before D scores 3 (valid on D + W), 2 (valid on D only) or 1 (lapsed).
    const heldOn = (k: number, j: number) => {
      const level = levels[j];
      const bounds = boundariesOf[j];
      const d = on[k];
      const fromAtEnd = validFrom(level, d.windowEnd);
      const fromOnD = validFrom(level, d.asOf);
      const forever = fromAtEnd === null || fromOnD === null;
      const upTo = bounds.indexOf(d.asOf);
      const validAtEnd = forever ? -1 : bounds.indexOf(addDays(fromAtEnd, -1));
      const validOnD = forever ? -1 : bounds.indexOf(addDays(fromOnD, -1));
      const b = field(`b${j}`);
      const whens = [
        [range(validAtEnd, upTo), 3],
        [range(validOnD, Math.min(validAtEnd, upTo)), 2],
        [range(-1, Math.min(validOnD, upTo)), 1],
      ]
        .filter(([bits]) => bits > 0)
        .map(([bits, score]) => `WHEN (${b} & ${bits}) <> 0 THEN ${score}`);
      return whens.length ? `(CASE ${whens.join(' ')} ELSE 0 END)` : '0';
    };
    const svs = on.map(
      (_, k) => `CASE WHEN ((g.f >> ${k}) & 1) = 1 THEN ${this.parts.statusVector((i) => needOn(k, i), (j) => heldOn(k, j))} ELSE 0 END AS sv${k}`,
    );
    const svCols = (alias: string) => on.map((_, k) => `${alias}.sv${k}`).join(', ');
    const qualified = (alias: string) => masks.map((m) => `${alias}.${m}`).join(', ');
    // LIMIT -1 keeps SQLite from copying the subqueries into every expression that reads them.
    const text = `WITH per AS (SELECT s.organisation_id AS org, ${selects.join(',\n          ')}
        FROM staff s WHERE ${where} LIMIT -1),
      grouped AS (SELECT x.org, ${cols('x')}, COUNT(*) AS people FROM per x WHERE x.f <> 0 GROUP BY x.org, ${cols('x')}),
      facts AS (SELECT g.org, g.people, g.f, g.sb, ${unpacked.join(', ')} FROM grouped g LIMIT -1)
      SELECT ${this.parts.childOf(params, scope.rootId)} AS child, og.sector, ${qualified('y')}, ${svCols('y')}, SUM(y.people) AS people
      FROM (SELECT g.org, ${masks.map((m) => `g.${m}`).join(', ')}, ${svs.join(', ')}, g.people FROM facts g) y
      JOIN organisations og ON og.id = y.org
      WHERE ${on.map((_, k) => `y.sv${k} <> 0`).join(' OR ')}
      GROUP BY 1, og.sector, ${qualified('y')}, ${svCols('y')}`;
    const rows = await run<Record<string, number | string | null>>(text, params.values);
    return this.parts.figuresPerDate(rows, masks, on.length);
  }

  /**
   * SQLite: per person, one pass over their staff_roles (role bits and need, each role's
   * thresholds written into CASE expressions: cheaper than a join per person) and one over their
   * completions (index staff_id, level_id, completed_on). need packs 2 bits per level under the
   * role mask; held packs each completion level's score in 2 bits.
   */
  private withClause(scope: PeopleInScope, params: Params, options: PerPersonOptions): string {
    const { levels } = this.parts.framework;
    const { asOf } = scope;
    const windowEnd = addDays(asOf, scope.windowDays);
    const rows = this.parts.requirementRows(asOf);
    const primary = rows.filter((r) => r.scopeId === null);
    const scopedRows = rows.filter((r) => r.scopeId !== null);
    const D = params.add(asOf);
    const where = this.parts.peopleWhere(scope, params, D, options.extra ?? []);

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
      .map((l, j) => `COALESCE(MAX(CASE WHEN c.level_id = ${params.add(l.id)} THEN ${this.parts.scoreSql(params, j, 'c.completed_on', asOf, windowEnd)} END), 0) * ${4 ** j}`)
      .join(' + ');
    const extraMasks = this.parts.maskColumns()
      .slice(1)
      .map((m, k) => `, (SELECT ${bitsOf(k + 1)} FROM staff_roles sr WHERE sr.staff_id = s.id) AS ${m}`);
    // LIMIT -1 keeps SQLite from copying the subqueries into every expression that reads them.
    return `WITH per AS (SELECT s.id, s.organisation_id AS org${options.names ? ', s.last_name, s.first_name' : ''},
          COALESCE((SELECT ${need} FROM staff_roles sr WHERE sr.staff_id = s.id), 0) AS need,
          (SELECT ${held} FROM completions c WHERE c.staff_id = s.id AND c.completed_on <= ${D}) AS held
          ${extraMasks.join('')}
        FROM staff s WHERE ${where} LIMIT -1)`;
  }
}
