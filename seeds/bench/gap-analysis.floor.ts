/**
 * The floor of the gap analysis benchmark: the fastest single SQL statement we could write by hand
 * for the same figures (per level: each status, for the whole partnership, each child organisation,
 * each sector and each role), run straight on the database with no server in between. The
 * framework's dates and role ids are written in as literals; the API's statement
 * (src/reports/gap-analysis/gap-analysis.query.ts) is generic and parameterised. The benchmark checks that the
 * two give the same counts.
 */
import { addDays } from '../../src/common/dates';
import { Status, STATUSES, validFrom } from '../../src/compliance/rules';

export interface FloorFramework {
  levels: { id: number; rank: number; validityMonths: number | null }[];
  roles: { id: number }[];
  requirements: { roleId: number; levelId: number; organisationId: number | null; graceDays: number }[];
  rootId: number;
  rootDepth: number;
  /** The root is the only top of the tree, so every person is in its subtree. */
  wholeTree: boolean;
}

const lit = (d: string | null) => (d === null ? 'NULL' : `'${d}'`);

/** Per level and role: the latest start date already past grace (rule 2), or null when the role does not need the level. */
function thresholds(f: FloorFramework, asOf: string) {
  const rank = new Map(f.levels.map((l) => [l.id, l.rank]));
  return (roleId: number, scope: number | null, levelRank: number) => {
    const covering = f.requirements.filter((r) => r.roleId === roleId && r.organisationId === scope && (rank.get(r.levelId) ?? 0) >= levelRank);
    return covering.length ? addDays(asOf, -Math.min(...covering.map((r) => r.graceDays))) : null;
  };
}

/** SQLite: one pass over staff in table order, two correlated index seeks per person, one integer group key. */
export function sqliteFloor(f: FloorFramework, asOf: string, windowDays: number): string {
  const L = f.levels.length;
  const end = addDays(asOf, windowDays);
  const t = thresholds(f, asOf);
  const bit = new Map(f.roles.map((r, i) => [r.id, 2 ** i]));
  const need = f.levels.map((level, i) => {
    const whens = f.roles
      .map((r) => [r.id, t(r.id, null, level.rank)] as const)
      .filter(([, d]) => d !== null)
      .map(([id, d]) => `WHEN ${id} THEN CASE WHEN s.start_date <= ${lit(d)} THEN 2 ELSE 1 END`);
    const scopedTerms = f.requirements
      .filter((r) => r.organisationId !== null && (f.levels.find((l) => l.id === r.levelId)?.rank ?? 0) >= level.rank)
      .map(
        (r) =>
          `MAX(CASE WHEN sr.role_id = ${r.roleId} AND EXISTS (SELECT 1 FROM organisation_closure rc WHERE rc.ancestor_id = ${r.organisationId} AND rc.descendant_id = s.organisation_id) THEN CASE WHEN s.start_date <= ${lit(addDays(asOf, -r.graceDays))} THEN 2 ELSE 1 END ELSE 0 END)`,
      );
    const terms = [...(whens.length ? [`MAX(CASE sr.role_id ${whens.join(' ')} ELSE 0 END)`] : []), ...scopedTerms];
    const term = terms.length === 0 ? '0' : terms.length === 1 ? terms[0] : `MAX(${terms.join(', ')})`;
    return `${term} * ${4 ** i}`;
  });
  const held = f.levels.map((level, j) => {
    const a = validFrom(level, end);
    const d = validFrom(level, asOf);
    const score = a === null || d === null ? '3' : `CASE WHEN c.completed_on >= ${lit(a)} THEN 3 WHEN c.completed_on >= ${lit(d)} THEN 2 ELSE 1 END`;
    return `COALESCE(MAX(CASE WHEN c.level_id = ${level.id} THEN ${score} END), 0) * ${4 ** j}`;
  });
  const status = f.levels.map((_, i) => {
    const n = `((need >> ${2 * i}) & 3)`;
    const scores = f.levels.map((__, j) => j).filter((j) => j >= i).map((j) => `((held >> ${2 * j}) & 3)`);
    const best = scores.length === 1 ? scores[0] : `MAX(${scores.join(', ')})`;
    return `(CASE WHEN ${n} = 0 THEN 0 WHEN ${best} = 3 THEN 1 WHEN ${best} = 2 THEN 2 WHEN ${n} = 1 THEN 3 WHEN ${best} = 1 THEN 4 ELSE 5 END) * ${8 ** i}`;
  });
  const where = [`s.start_date <= ${lit(asOf)}`, `(s.end_date IS NULL OR s.end_date >= ${lit(asOf)})`];
  if (!f.wholeTree) where.push(`+s.organisation_id IN (SELECT descendant_id FROM organisation_closure WHERE ancestor_id = ${f.rootId})`);
  const statusBits = 3 * L;
  return `SELECT (SELECT gc.ancestor_id FROM organisation_closure gc WHERE gc.descendant_id = y.org AND gc.depth = o.depth - ${f.rootDepth + 1}) AS child,
      o.sector, y.k >> ${statusBits} AS mask, y.k & ${2 ** statusBits - 1} AS sv, SUM(y.n) AS people
    FROM (SELECT org, k, COUNT(*) AS n FROM (
            SELECT org, (need >> ${2 * L}) * ${2 ** statusBits} + ${status.join(' + ')} AS k FROM (
              SELECT s.organisation_id AS org,
                COALESCE((SELECT SUM(CASE sr.role_id ${[...bit].map(([id, b]) => `WHEN ${id} THEN ${b}`).join(' ')} ELSE 0 END) * ${4 ** L} + ${need.join(' + ')}
                   FROM staff_roles sr WHERE sr.staff_id = s.id), 0) AS need,
                (SELECT ${held.join(' + ')} FROM completions c WHERE c.staff_id = s.id AND c.completed_on <= ${lit(asOf)}) AS held
              FROM staff s WHERE ${where.join(' AND ')} LIMIT -1)
            WHERE need & ${4 ** L - 1} <> 0)
          GROUP BY org, k) y
    JOIN organisations o ON o.id = y.org
    GROUP BY 1, 2, 3, 4`;
}

/** PostgreSQL: hash joins and hash aggregates, latest completion per level with FILTER, the same integer key. */
export function postgresFloor(f: FloorFramework, asOf: string, windowDays: number): string {
  const L = f.levels.length;
  const end = addDays(asOf, windowDays);
  const t = thresholds(f, asOf);
  const values = [
    ...f.roles.map((r, i) => `(${r.id}, NULL::int, ${2 ** i}::bigint, ${f.levels.map((l) => `${lit(t(r.id, null, l.rank))}::varchar`).join(', ')})`),
    ...f.requirements
      .filter((r) => r.organisationId !== null)
      .map((r) => {
        const rank = f.levels.find((l) => l.id === r.levelId)?.rank ?? 0;
        return `(${r.roleId}, ${r.organisationId}, 0::bigint, ${f.levels.map((l) => `${lit(rank >= l.rank ? addDays(asOf, -r.graceDays) : null)}::varchar`).join(', ')})`;
      }),
  ];
  const scoped = f.requirements.some((r) => r.organisationId !== null);
  const h = (j: number) => {
    const level = f.levels[j];
    const a = validFrom(level, end);
    const d = validFrom(level, asOf);
    return a === null || d === null
      ? `CASE WHEN l${j} IS NULL THEN 0 ELSE 3 END`
      : `CASE WHEN l${j} IS NULL THEN 0 WHEN l${j} >= ${lit(a)} THEN 3 WHEN l${j} >= ${lit(d)} THEN 2 ELSE 1 END`;
  };
  const status = f.levels.map((_, i) => {
    const scores = f.levels.map((__, j) => j).filter((j) => j >= i).map((j) => `h${j}`);
    const best = scores.length === 1 ? scores[0] : `GREATEST(${scores.join(', ')})`;
    return `(CASE WHEN n${i} = 0 THEN 0 WHEN ${best} = 3 THEN 1 WHEN ${best} = 2 THEN 2 WHEN n${i} = 1 THEN 3 WHEN ${best} = 1 THEN 4 ELSE 5 END) * ${8 ** i}`;
  });
  const where = [`s.start_date <= ${lit(asOf)}`, `(s.end_date IS NULL OR s.end_date >= ${lit(asOf)})`];
  if (!f.wholeTree) where.push(`s.organisation_id IN (SELECT descendant_id FROM organisation_closure WHERE ancestor_id = ${f.rootId})`);
  const statusBits = 3 * L;
  return `WITH q(role_id, scope_id, b, ${f.levels.map((_, i) => `t${i}`).join(', ')}) AS (VALUES ${values.join(', ')}),
    ps AS MATERIALIZED (SELECT s.id, s.organisation_id, s.start_date FROM staff s WHERE ${where.join(' AND ')}),
    pn AS (SELECT ps.id, ps.organisation_id AS org, SUM(q.b)::bigint AS mask,
             ${f.levels.map((_, i) => `MAX(CASE WHEN q.t${i} IS NULL THEN 0 WHEN ps.start_date <= q.t${i} THEN 2 ELSE 1 END) AS n${i}`).join(', ')}
           FROM ps JOIN staff_roles sr ON sr.staff_id = ps.id JOIN q ON q.role_id = sr.role_id
           ${scoped ? 'WHERE q.scope_id IS NULL OR EXISTS (SELECT 1 FROM organisation_closure rc WHERE rc.ancestor_id = q.scope_id AND rc.descendant_id = ps.organisation_id)' : ''}
           GROUP BY ps.id, ps.organisation_id),
    pl AS (SELECT c.staff_id, ${f.levels.map((l, j) => `MAX(c.completed_on) FILTER (WHERE c.level_id = ${l.id}) AS l${j}`).join(', ')}
           FROM completions c WHERE c.completed_on <= ${lit(asOf)} GROUP BY c.staff_id),
    per AS (SELECT pn.org, pn.mask, ${f.levels.map((_, i) => `pn.n${i}`).join(', ')}, ${f.levels.map((_, j) => `${h(j)} AS h${j}`).join(', ')}
            FROM pn LEFT JOIN pl ON pl.staff_id = pn.id WHERE ${f.levels.map((_, i) => `pn.n${i} > 0`).join(' OR ')}),
    y AS (SELECT org, mask * ${2 ** statusBits} + ${status.join(' + ')} AS k, COUNT(*) AS n FROM per GROUP BY 1, 2)
    SELECT (SELECT gc.ancestor_id FROM organisation_closure gc WHERE gc.descendant_id = y.org AND gc.depth = o.depth - ${f.rootDepth + 1}) AS child,
      o.sector, y.k >> ${statusBits} AS mask, y.k & ${2 ** statusBits - 1} AS sv, SUM(y.n) AS people
    FROM y JOIN organisations o ON o.id = y.org GROUP BY 1, 2, 3, 4`;
}

/** Per level, the count of each status over every row: to check the floor against the API's totals. */
export function totalsOf(rows: { sv: number | string; people: number | string }[], levels: number): Record<Status, number>[] {
  const totals = Array.from({ length: levels }, () => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>);
  for (const row of rows) {
    for (let i = 0; i < levels; i++) {
      const code = Math.floor(Number(row.sv) / 8 ** i) % 8;
      if (code > 0) totals[i][STATUSES[code - 1]] += Number(row.people);
    }
  }
  return totals;
}
