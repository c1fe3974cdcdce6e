/**
 * The gap analysis figures from the kept compliance table (src/compliance/kept/): per person and
 * level required, the one span covering the date gives the status by three comparisons, so the
 * figures are counts over those spans, the same statement on both databases (bar how a count
 * with a condition is written). Used while no one
 * is stale (ComplianceKeeper.current); the statements over the raw tables answer otherwise. The
 * agreement test holds both to the rules.
 */
import { keptCountsSql, statusCounts } from '../../compliance/kept/kept-spans';
import { NEVER } from '../../compliance/kept/spans';
import { STATUSES } from '../../compliance/rules';
import type { Framework } from '../../compliance/framework';
import { addDays } from '../../common/dates';
import { subtreeIds } from '../../access/subtree';
import { type FigureRow, Params, type PeopleInScope, StatementParts } from './gap-analysis.statement';

export class KeptStatement {
  constructor(
    private readonly framework: Framework,
    private readonly parts: StatementParts,
    private readonly postgres: boolean,
  ) {}

  /** figures() as one statement and what to make of its rows. */
  figures(scope: PeopleInScope): { text: string; values: unknown[]; rows: (raw: Record<string, unknown>[]) => FigureRow[] } {
    const params = new Params();
    const D = params.add(scope.asOf);
    const E = params.add(addDays(scope.asOf, scope.windowDays));
    const never = params.add(NEVER);
    const counts = keptCountsSql('k', D, E, this.postgres);
    const visible = scope.visible ? `JOIN staff s ON s.id = k.staff_id AND (${params.predicate(scope.visible)})` : '';
    const inSubtree = `k.organisation_id IN (${subtreeIds(params.add(scope.rootId))})`;
    // Spans that have not ended (most of them) apart from those that end later than D: the first
    // are read in the index's order, so they are counted without sorting.
    const perOrganisation = (ends: string) =>
      `SELECT k.organisation_id AS org, k.role_ids, k.level_id, ${Object.entries(counts).map(([name, sql]) => `${sql} AS ${name}`).join(', ')}
       FROM compliance_spans k ${visible}
       WHERE ${ends} AND ${inSubtree} AND k.from_on <= ${D}
       GROUP BY k.organisation_id, k.role_ids, k.level_id`;
    const sum = Object.keys(counts).map((name) => `SUM(y.${name}) AS ${name}`).join(', ');
    // Counted per organisation first, then per child of the root and sector, as the raw statements do.
    const text = `SELECT ${this.parts.childOf(params, scope.rootId)} AS child, og.sector, y.role_ids, y.level_id, ${sum}
      FROM (${perOrganisation(`k.until_on = ${never}`)} UNION ALL ${perOrganisation(`k.until_on > ${D} AND k.until_on < ${never}`)}) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, y.role_ids, y.level_id`;
    const indexOfLevel = new Map(this.framework.levels.map((l, i) => [l.id, i]));
    const known = new Set(this.framework.roles.map((r) => r.id));
    const rows = (raw: Record<string, unknown>[]) =>
      raw.flatMap((r): FigureRow[] => {
        const i = indexOfLevel.get(Number(r.level_id));
        if (i === undefined) return [];
        const byStatus = statusCounts(r);
        const childId = r.child === null ? null : Number(r.child);
        const sector = String(r.sector);
        const roleIds = String(r.role_ids)
          .split(',')
          .filter(Boolean)
          .map(Number)
          .filter((id) => known.has(id));
        return STATUSES.filter((status) => byStatus[status] > 0).map((status) => ({
          childId,
          sector,
          roleIds,
          statuses: this.framework.levels.map((_, j) => (j === i ? status : null)),
          people: byStatus[status],
        }));
      });
    return { text, values: params.values, rows };
  }
}
