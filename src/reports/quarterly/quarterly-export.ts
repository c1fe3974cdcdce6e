/** The quarterly and annual reports as tables for CSV and XLSX. */
import { formatUkDate } from '../../common/dates';
import { CONCERN_SOURCE_NAMES, CONCERN_SOURCES } from '../impact/impact-figure.entity';
import type { Sheet, SheetColumn } from '../shared/export-files';
import { type AnnualReport, type LevelFigures, type QuarterlyReport, quarterLabel } from './quarterly.service';
import { reportHasTargets } from '../targets/report-targets';

export const LEVEL_FIGURE_COLUMNS: SheetColumn[] = [
  { header: 'Completions', key: 'completions', kind: 'number' },
  { header: 'People trained', key: 'peopleTrained', kind: 'number' },
  { header: 'First time', key: 'firstTime', kind: 'number' },
  { header: 'Refresher', key: 'refresher', kind: 'number' },
  { header: 'Sessions delivered', key: 'sessionsDelivered', kind: 'number' },
  { header: 'Places booked', key: 'placesBooked', kind: 'number' },
  { header: 'Attended', key: 'attended', kind: 'number' },
  { header: 'No-shows', key: 'noShows', kind: 'number' },
  { header: 'Feedback responses', key: 'feedbackCount', kind: 'number' },
  { header: 'Average rating (out of 5)', key: 'averageRating', kind: 'decimal' },
  { header: 'Compliance % at end', key: 'compliancePctAtEnd', kind: 'percent' },
  { header: 'Compliance % at previous end', key: 'compliancePctPreviousEnd', kind: 'percent' },
];

const GROUP_COLUMNS: SheetColumn[] = [
  { header: 'Period', key: 'period', width: 14 },
  { header: 'Breakdown', key: 'breakdown', width: 14 },
  { header: 'Name', key: 'name', width: 36 },
  { header: 'Code', key: 'code', width: 14 },
  { header: 'Level', key: 'level', width: 8 },
  { header: 'Level name', key: 'levelName', width: 30 },
];

function levelRows(period: string, breakdown: string, code: string, name: string, levels: LevelFigures[]): Record<string, unknown>[] {
  return levels.map((l) => ({ period, breakdown, code, ...l, levelName: l.name, name, targetPercent: l.target?.targetPercent ?? null, targetWords: l.target?.words ?? '' }));
}

/** The level figures' columns; with the target and status beside the compliance % at the end when any target is set. */
function figureColumns(withTargets: boolean): SheetColumn[] {
  if (!withTargets) return LEVEL_FIGURE_COLUMNS;
  const at = LEVEL_FIGURE_COLUMNS.findIndex((c) => c.key === 'compliancePctAtEnd') + 1;
  return [
    ...LEVEL_FIGURE_COLUMNS.slice(0, at),
    { header: 'Target %', key: 'targetPercent', kind: 'percent' },
    { header: 'Status against target at end', key: 'targetWords', width: 18 },
    ...LEVEL_FIGURE_COLUMNS.slice(at),
  ];
}

function heading(title: string, organisation: { name: string; code: string }, period: string, asOf: string): string[] {
  return [title, `${organisation.name} (${organisation.code}) and every organisation within it`, period, `Produced on ${formatUkDate(asOf)}`];
}

export function quarterlySheets(r: QuarterlyReport): Sheet[] {
  const label = quarterLabel(r.period);
  const head = heading('Prevent training take-up: quarterly report', r.organisation, r.periodName, r.asOf);
  const columns = [...GROUP_COLUMNS, ...figureColumns(reportHasTargets([r, ...r.byOrganisation, ...r.bySector]))];
  const total = levelRows(label, 'Total', r.organisation.code, r.organisation.name, r.levels);
  const byOrganisation = r.byOrganisation.flatMap((o) => levelRows(label, 'Organisation', o.code, o.direct ? `${o.name} (directly)` : o.name, o.levels));
  const bySector = r.bySector.flatMap((s) => levelRows(label, 'Sector', s.sector, s.name, s.levels));
  return [
    { name: 'Summary', heading: head, columns, rows: total },
    { name: 'By organisation', heading: head, columns, rows: byOrganisation },
    { name: 'By sector', heading: head, columns, rows: bySector },
    {
      name: 'Last four quarters',
      heading: head,
      columns: [
        { header: 'Quarter', key: 'label', width: 14 },
        { header: 'Level', key: 'level', width: 8 },
        { header: 'Level name', key: 'levelName', width: 30 },
        { header: 'Completions', key: 'completions', kind: 'number' },
        { header: 'People trained', key: 'peopleTrained', kind: 'number' },
        { header: 'Compliance % at end', key: 'compliancePctAtEnd', kind: 'percent' },
      ],
      rows: r.trend.flatMap((t) => t.levels.map((l) => ({ label: t.label, ...l, levelName: r.levels.find((x) => x.level === l.level)?.name ?? '' }))),
    },
    {
      name: 'Impact',
      heading: head,
      columns: [
        { header: 'Figure', key: 'figure', width: 40 },
        { header: 'Count', key: 'count', kind: 'number' },
      ],
      rows: [
        ...CONCERN_SOURCES.map((s) => ({ figure: `Concerns reported: ${CONCERN_SOURCE_NAMES[s]}`, count: r.impact.concerns[s] })),
        { figure: 'Concerns reported: all sources', count: r.impact.concerns.total },
        { figure: 'Channel referrals', count: r.impact.channelReferrals },
        { figure: 'Organisations that entered figures', count: r.impact.organisationsReporting },
      ],
    },
  ];
}

/** The CSV of the quarterly report: every level of the total, each organisation and each sector, one table. */
export function quarterlyCsvSheet(r: QuarterlyReport): Sheet {
  const [summary, byOrganisation, bySector] = quarterlySheets(r);
  return { name: 'Quarterly take-up', columns: summary.columns, rows: [...summary.rows, ...byOrganisation.rows, ...bySector.rows] };
}

export function annualSheets(r: AnnualReport): Sheet[] {
  const head = heading('Prevent training: annual report', r.organisation, `Financial year ${r.yearName} (${formatUkDate(r.start)} to ${formatUkDate(r.end)})`, r.asOf);
  const columns = [...GROUP_COLUMNS, ...figureColumns(reportHasTargets([{ levels: r.totals }, ...r.quarters, ...r.byOrganisation, ...r.bySector]))];
  const year = `Year ${r.yearName}`;
  const quarters = r.quarters.flatMap((q) => levelRows(q.label, 'Total', r.organisation.code, r.organisation.name, q.levels));
  const totals = levelRows(year, 'Total', r.organisation.code, r.organisation.name, r.totals);
  return [
    { name: 'Quarters and year', heading: head, columns, rows: [...quarters, ...totals] },
    {
      name: 'By organisation',
      heading: head,
      columns,
      rows: r.byOrganisation.flatMap((o) => levelRows(year, 'Organisation', o.code, o.direct ? `${o.name} (directly)` : o.name, o.levels)),
    },
    { name: 'By sector', heading: head, columns, rows: r.bySector.flatMap((s) => levelRows(year, 'Sector', s.sector, s.name, s.levels)) },
    {
      name: 'Impact',
      heading: head,
      columns: [
        { header: 'Quarter', key: 'label', width: 14 },
        ...CONCERN_SOURCES.map((s) => ({ header: `Concerns: ${CONCERN_SOURCE_NAMES[s]}`, key: s, kind: 'number' as const })),
        { header: 'Concerns: all sources', key: 'total', kind: 'number' },
        { header: 'Channel referrals', key: 'channelReferrals', kind: 'number' },
      ],
      rows: r.impact.map((i) => ({ label: i.label, ...i.concerns, channelReferrals: i.channelReferrals })),
    },
  ];
}

export function annualCsvSheet(r: AnnualReport): Sheet {
  const [main, byOrganisation, bySector] = annualSheets(r);
  return { name: 'Annual report', columns: main.columns, rows: [...main.rows, ...byOrganisation.rows, ...bySector.rows] };
}
