/**
 * The gap analysis statement on SQLite: per person, correlated subqueries (one index seek each,
 * in staff id order, cheaper on SQLite than joins) pack the facts of rules 2 and 3 into integers;
 * rule 4 is SQL (StatementParts.statusSql) for one date. For several dates the statement reads
 * only facts that do not depend on the date, and the statuses come from the pure rules.
 */
import { within } from '../../access/subtree';
import { addDays, IsoDate } from '../../common/dates';
import { assess, type CompletionFact, type LevelFact, type PersonFact, type RequirementFact, type Status, validFrom } from '../../compliance/rules';
import type { DateOn, FigureRow, GapStatement, Params, PeopleInScope, PerPerson, PerPersonOptions, RunSql, StatementParts } from './gap-analysis.statement';
import { ROLES_PER_MASK } from './gap-analysis.statement';

/** Bits per packed SQLite column: read back in JS, so below 2^53. */
const PACKED_BITS = 52;

/** The one role of the representative person of statusesFrom. */
const ANY_ROLE = '*';

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
   * People are counted per organisation and those values; each row's statuses then come from the
   * pure rules (statusesFrom).
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
    // LIMIT -1 keeps SQLite from copying the subqueries into every expression that reads them.
    const text = `WITH per AS (SELECT s.organisation_id AS org, ${selects.join(',\n          ')}
        FROM staff s WHERE ${where} LIMIT -1)
      SELECT ${this.parts.childOf(params, scope.rootId)} AS child,
             og.sector, ${cols('y')}, SUM(y.people) AS people
      FROM (SELECT x.org, ${cols('x')}, COUNT(*) AS people FROM per x WHERE x.f <> 0 GROUP BY x.org, ${cols('x')}) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, ${cols('y')}`;
    const rows = await run<Record<string, number | string | null>>(text, params.values);

    const reader = (field: string) => {
      const { column, shift, width } = (rolePack.at.get(field) ?? heldPack.at.get(field))!;
      const [below, span] = [2 ** shift, 2 ** width];
      return (row: Record<string, unknown>) => Math.floor(Number(row[column]) / below) % span;
    };
    const codeReaders = levels.map((_, i) => reader(`g${i}`));
    const bucketReaders = levels.map((_, j) => reader(`b${j}`));
    const maskReaders = masks.map((m) => reader(m));
    const status = this.statusesFrom(graces, thresholds, boundariesOf, on, scope.windowDays);
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
        const statuses = codes.map((code, i) => (code === 0 ? null : status(k, i, code, sb, buckets)));
        const key = group + statuses.join(',');
        const kept = perDate[k].get(key);
        if (kept) kept.people += people;
        else {
          roleIds ??= this.parts.rolesOf(maskValues);
          perDate[k].set(key, { childId: r.child === null ? null : Number(r.child), sector: String(r.sector), roleIds, statuses, people });
        }
      }
    }
    return perDate.map((rowsOfDate) => [...rowsOfDate.values()]);
  }

  /**
   * Rules 2-4 for the packed facts, by the pure rules (src/compliance/rules.ts: assess), not a
   * copy of them: every value a packed fact stands for behaves the same on every date, so one
   * person made of representatives is assessed. The start bucket sb (how many thresholds D - grace
   * fall before the start date) stands for a start date inside it, no later than D (the person is
   * in scope on D); a completion bucket for a date inside it. The grace code gives the shortest
   * grace of the level; a requirement per required level at its rank with that grace gives it back
   * (graces only shrink towards lower levels, as the requirements at higher ranks cover them too).
   * Answers are kept per date, level, code, sb and buckets, which few combinations share.
   */
  private statusesFrom(graces: number[], thresholds: IsoDate[], boundariesOf: IsoDate[][], on: DateOn[], windowDays: number) {
    const { levels } = this.parts.framework;
    const levelFacts: LevelFact[] = levels.map((l) => ({ code: l.code, rank: l.rank, validityMonths: l.validityMonths }));
    const graceOf = (code: number) => graces[graces.length - code];
    const representative = (bounds: IsoDate[], bucket: number) => (bucket < bounds.length ? bounds[bucket] : addDays(bounds[bounds.length - 1], 1));
    const known = new Map<string, Status>();
    return (k: number, i: number, code: number, sb: number, buckets: number[]): Status => {
      const key = `${k}|${i}|${code}|${sb}|${buckets.slice(i).join(',')}`;
      const kept = known.get(key);
      if (kept) return kept;
      const D = on[k].asOf;
      const start = sb < thresholds.length && thresholds[sb] < D ? thresholds[sb] : D;
      const person: PersonFact = { startDate: start, endDate: null, roleCodes: [ANY_ROLE], organisationPath: [] };
      const completions: CompletionFact[] = [];
      for (let j = i; j < levels.length; j++) {
        for (let bucket = 0, rest = buckets[j]; rest > 0; bucket++, rest = Math.floor(rest / 2)) {
          if (rest % 2 === 1) completions.push({ levelRank: levels[j].rank, completedOn: representative(boundariesOf[j], bucket) });
        }
      }
      const requirements: RequirementFact[] = [{ roleCode: ANY_ROLE, levelRank: levels[i].rank, organisationId: null, graceDays: graceOf(code) }];
      const status = assess(person, completions, levelFacts[i], levelFacts, requirements, D, windowDays)!.status;
      known.set(key, status);
      return status;
    };
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
