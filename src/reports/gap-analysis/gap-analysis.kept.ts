/**
 * The gap analysis figures from the kept compliance table (src/compliance/kept/): per person and
 * level required, the one span covering the date gives the status by three comparisons, so the
 * figures are a count over those spans, the same statement on both databases. Used while no one
 * is stale (ComplianceKeeper.current); the statements over the raw tables answer otherwise. The
 * agreement test holds both to the rules.
 */
import { keptStatusSql, spanCovers } from '../../compliance/kept/kept-spans';
import type { Framework } from '../../compliance/framework';
import { addDays } from '../../common/dates';
import { subtreeIds } from '../../access/subtree';
import { CODE_OF_STATUS, type FigureRow, Params, type PeopleInScope, STATUS_OF_CODE, StatementParts } from './gap-analysis.statement';

export class KeptStatement {
  constructor(
    private readonly framework: Framework,
    private readonly parts: StatementParts,
  ) {}

  /** figures() as one statement and what to make of its rows. */
  figures(scope: PeopleInScope): { text: string; values: unknown[]; rows: (raw: Record<string, unknown>[]) => FigureRow[] } {
    const params = new Params();
    const D = params.add(scope.asOf);
    const E = params.add(addDays(scope.asOf, scope.windowDays));
    const status = keptStatusSql('k', D, E, (s) => CODE_OF_STATUS[s]);
    const visible = scope.visible ? `JOIN staff s ON s.id = k.staff_id AND (${params.predicate(scope.visible)})` : '';
    // Counted per organisation first, then per child of the root and sector, as the raw statements do.
    const text = `SELECT ${this.parts.childOf(params, scope.rootId)} AS child, og.sector, y.role_ids, y.level_id, y.st, SUM(y.people) AS people
      FROM (SELECT k.organisation_id AS org, k.role_ids, k.level_id, ${status} AS st, COUNT(*) AS people
            FROM compliance_spans k ${visible}
            WHERE k.organisation_id IN (${subtreeIds(params.add(scope.rootId))}) AND ${spanCovers('k', D)}
            GROUP BY k.organisation_id, k.role_ids, k.level_id, ${status}) y
      JOIN organisations og ON og.id = y.org
      GROUP BY 1, og.sector, y.role_ids, y.level_id, y.st`;
    const indexOfLevel = new Map(this.framework.levels.map((l, i) => [l.id, i]));
    const known = new Set(this.framework.roles.map((r) => r.id));
    const rows = (raw: Record<string, unknown>[]) =>
      raw.flatMap((r): FigureRow[] => {
        const i = indexOfLevel.get(Number(r.level_id));
        if (i === undefined) return [];
        const statuses = this.framework.levels.map((_, j) => (j === i ? STATUS_OF_CODE[Number(r.st)] : null));
        const roleIds = String(r.role_ids)
          .split(',')
          .filter(Boolean)
          .map(Number)
          .filter((id) => known.has(id));
        return [{ childId: r.child === null ? null : Number(r.child), sector: String(r.sector), roleIds, statuses, people: Number(r.people) }];
      });
    return { text, values: params.values, rows };
  }
}
