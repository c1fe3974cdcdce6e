/**
 * My team's headline per level: how many of the team meet it and are overdue, the compliance %
 * (rule 5 over the statuses My team already shows, with the rules' own counting) and its status
 * against the target that applies to the manager's organisations.
 */
import { addStatus, emptyCounts, type Status, withPct } from '../../compliance/rules';
import { type RagView, ragView } from './rag';
import type { TargetRule } from './rag';

export interface TeamLevelHeadline extends RagView {
  level: string;
  name: string;
  compliancePct: number | null;
  met: number;
  overdue: number;
  pending: number;
}

export function teamHeadline(
  levels: { code: string; name: string }[],
  members: { levels: ({ status: Status } | null)[] }[],
  targetOf: (level: string) => TargetRule | null,
): TeamLevelHeadline[] {
  return levels.map((l, i) => {
    const counts = emptyCounts();
    for (const m of members) {
      const cell = m.levels[i];
      if (cell) addStatus(counts, cell.status);
    }
    withPct(counts);
    return { level: l.code, name: l.name, compliancePct: counts.compliancePct, met: counts.met, overdue: counts.overdue, pending: counts.pending, ...ragView(counts.compliancePct, targetOf(l.code)) };
  });
}
