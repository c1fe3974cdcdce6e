import { toCsv } from '../../common/csv';
import { STATUS_WORDS } from '../shared/words';
import { GapAnalysisView, GapPersonView, LevelFiguresView } from './gap-analysis.dto';
import type { LevelTargetView } from '../targets/targets.dto';

const FIGURE_COLUMNS = ['Required', 'Met', 'Compliant', 'Expiring', 'Pending', 'Expired', 'Missing', 'Overdue', 'Compliance %'];

function figures(l: LevelFiguresView) {
  return [l.required, l.met, l.compliant, l.expiring, l.pending, l.expired, l.missing, l.overdue, l.compliancePct];
}

/** Whether any figure of the view has a target: only then do the downloads carry target and status columns. */
export function hasTargets(view: GapAnalysisView): boolean {
  return [view, ...view.byOrganisation, ...view.bySector, ...view.byRole].some((g) => g.targets?.some((t) => t.targetPercent !== null));
}

/**
 * The gap analysis as one table: the whole subtree, then each child organisation, sector and role, a
 * row per level; with the target and the status against it after the compliance % when targets are set.
 */
export function gapAnalysisCsv(view: GapAnalysisView): string {
  const head = [view.organisation.name, view.organisation.code, view.asOf, view.windowDays];
  const withTarget = hasTargets(view);
  const target = (targets: LevelTargetView[] | undefined, i: number) => (withTarget ? [targets?.[i]?.targetPercent ?? null, targets?.[i]?.words ?? ''] : []);
  const rows = [
    ...view.levels.map((l, i) => [...head, 'All', view.organisation.name, view.organisation.code, l.level, ...figures(l), ...target(view.targets, i)]),
    ...view.byOrganisation.flatMap((g) => g.levels.map((l, i) => [...head, 'Organisation', g.organisation.name, g.organisation.code, l.level, ...figures(l), ...target(g.targets, i)])),
    ...view.bySector.flatMap((g) => g.levels.map((l, i) => [...head, 'Sector', g.name, g.sector, l.level, ...figures(l), ...target(g.targets, i)])),
    ...view.byRole.flatMap((g) => g.levels.map((l, i) => [...head, 'Role', g.role.name, g.role.code, l.level, ...figures(l), ...target(g.targets, i)])),
  ];
  const targetColumns = withTarget ? ['Target %', 'Status against target'] : [];
  return toCsv(['Organisation', 'Organisation code', 'As of', 'Window (days)', 'Group', 'Group name', 'Group code', 'Level', ...FIGURE_COLUMNS, ...targetColumns], rows);
}

/** The people behind a figure. */
export function gapPeopleCsv(level: string, people: GapPersonView[]): string {
  return toCsv(
    ['Name', 'Employee reference', 'Organisation', 'Organisation code', 'Level', 'Status', 'Due or lapsed on', 'Last completion level', 'Last completion date'],
    people.map((p) => [
      p.name,
      p.employeeRef,
      p.organisation.name,
      p.organisation.code,
      level,
      STATUS_WORDS[p.status],
      p.dueOn,
      p.lastCompletion?.level ?? null,
      p.lastCompletion?.completedOn ?? null,
    ]),
  );
}

export function csvFileName(...parts: (string | number)[]): string {
  return `${parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]+/g, '-')).join('-')}.csv`;
}
