import { toCsv } from '../../common/csv';
import { GapAnalysisView, GapPersonView, LevelFiguresView } from './gap-analysis.dto';

const FIGURE_COLUMNS = ['Required', 'Met', 'Compliant', 'Expiring', 'Pending', 'Expired', 'Missing', 'Overdue', 'Compliance %'];

function figures(l: LevelFiguresView) {
  return [l.required, l.met, l.compliant, l.expiring, l.pending, l.expired, l.missing, l.overdue, l.compliancePct];
}

/** The gap analysis as one table: the whole subtree, then each child organisation, sector and role, a row per level. */
export function gapAnalysisCsv(view: GapAnalysisView): string {
  const head = [view.organisation.code, view.asOf, view.windowDays];
  const rows = [
    ...view.levels.map((l) => [...head, 'All', view.organisation.code, view.organisation.name, l.level, ...figures(l)]),
    ...view.byOrganisation.flatMap((g) => g.levels.map((l) => [...head, 'Organisation', g.organisation.code, g.organisation.name, l.level, ...figures(l)])),
    ...view.bySector.flatMap((g) => g.levels.map((l) => [...head, 'Sector', g.sector, g.name, l.level, ...figures(l)])),
    ...view.byRole.flatMap((g) => g.levels.map((l) => [...head, 'Role', g.role.code, g.role.name, l.level, ...figures(l)])),
  ];
  return toCsv(['Organisation', 'As of', 'Window (days)', 'Group', 'Group code', 'Group name', 'Level', ...FIGURE_COLUMNS], rows);
}

/** The people behind a figure. */
export function gapPeopleCsv(level: string, people: GapPersonView[]): string {
  return toCsv(
    ['Employee reference', 'Name', 'Organisation code', 'Organisation', 'Level', 'Status', 'Due or lapsed on', 'Last completion level', 'Last completion date'],
    people.map((p) => [
      p.employeeRef,
      p.name,
      p.organisation.code,
      p.organisation.name,
      level,
      p.status,
      p.dueOn,
      p.lastCompletion?.level ?? null,
      p.lastCompletion?.completedOn ?? null,
    ]),
  );
}

export function csvFileName(...parts: (string | number)[]): string {
  return `${parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]+/g, '-')).join('-')}.csv`;
}
