import { toCsv } from '../../common/csv';
import { STATUS_WORDS } from '../shared/words';
import { GapAnalysisView, GapPersonView, LevelFiguresView } from './gap-analysis.dto';

const FIGURE_COLUMNS = ['Required', 'Met', 'Compliant', 'Expiring', 'Pending', 'Expired', 'Missing', 'Overdue', 'Compliance %'];

function figures(l: LevelFiguresView) {
  return [l.required, l.met, l.compliant, l.expiring, l.pending, l.expired, l.missing, l.overdue, l.compliancePct];
}

/** The gap analysis as one table: the whole subtree, then each child organisation, sector and role, a row per level. */
export function gapAnalysisCsv(view: GapAnalysisView): string {
  const head = [view.organisation.name, view.organisation.code, view.asOf, view.windowDays];
  const rows = [
    ...view.levels.map((l) => [...head, 'All', view.organisation.name, view.organisation.code, l.level, ...figures(l)]),
    ...view.byOrganisation.flatMap((g) => g.levels.map((l) => [...head, 'Organisation', g.organisation.name, g.organisation.code, l.level, ...figures(l)])),
    ...view.bySector.flatMap((g) => g.levels.map((l) => [...head, 'Sector', g.name, g.sector, l.level, ...figures(l)])),
    ...view.byRole.flatMap((g) => g.levels.map((l) => [...head, 'Role', g.role.name, g.role.code, l.level, ...figures(l)])),
  ];
  return toCsv(['Organisation', 'Organisation code', 'As of', 'Window (days)', 'Group', 'Group name', 'Group code', 'Level', ...FIGURE_COLUMNS], rows);
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
