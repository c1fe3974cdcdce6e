/**
 * Turns the quarterly and annual reports into what their pages show: sentences in plain words,
 * formatted table cells, chart data with alternative text. No figure is worked out here that the
 * reports have not already worked out.
 */
import { formatUkDate } from '../../common/dates';
import { CONCERN_SOURCE_NAMES, CONCERN_SOURCES } from '../impact/impact-figure.entity';
import type { ChartData } from '../shared/chart-svg';
import { shortLevelName } from '../shared/words';
import { targetCell } from '../targets/rag-cells';
import type { AnnualReport, FeedbackHighlights, LevelFigures, OrganisationFigures, QuarterlyReport, SectorFigures } from './quarterly.service';
import { quarterLabel } from './quarterly.service';

export const NONE_DUE = '–';

export function pct(v: number | null): string {
  return v === null ? NONE_DUE : `${v.toFixed(1)}%`;
}

export function num(v: number): string {
  return v.toLocaleString('en-GB');
}

/** Change in percentage points, worked in tenths so 70.2 - 70.1 reads 0.1, not 0.09999. */
export function pointsChange(now: number | null, before: number | null): string {
  if (now === null || before === null) return '';
  const tenths = Math.round(now * 10) - Math.round(before * 10);
  if (tenths === 0) return 'no change';
  const size = (Math.abs(tenths) / 10).toFixed(1);
  return tenths > 0 ? `up ${size} points` : `down ${size} points`;
}

function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many: string): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

export interface TableColumn {
  label: string;
  sub?: string;
  numeric: boolean;
}

/** A cell's text, or its text with a status tag beneath it (a figure against its target). */
export type TableCell = string | { text: string; tag?: { words: string; tagClass: string }; note?: string };

export interface TableRow {
  label: string;
  hint?: string;
  href?: string;
  cells: TableCell[];
  muted?: boolean;
}

/** A compliance % with its status against the target beneath it, when a target applies. */
export function pctAgainstTarget(l: LevelFigures): TableCell {
  const t = l.target;
  if (!t || t.targetPercent === null) return pct(l.compliancePctAtEnd);
  const cell = targetCell(t);
  return cell.rated ? { text: pct(l.compliancePctAtEnd), tag: { words: cell.words, tagClass: cell.tagClass }, note: `target ${cell.target}` } : { text: pct(l.compliancePctAtEnd), note: `target ${cell.target}` };
}

const anyTarget = (levels: LevelFigures[]) => levels.some((l) => l.target && l.target.targetPercent !== null);

/** The status words in a tag (or "No target set"). */
function targetTag(l: LevelFigures): TableCell {
  const cell = targetCell(l.target);
  return cell.rated ? { text: '', tag: { words: cell.words, tagClass: cell.tagClass } } : cell.words;
}

export interface TableModel {
  caption: string;
  columns: TableColumn[];
  rows: TableRow[];
}

/** Rows are the figures of DOMAIN.md, columns the levels. */
export function figuresTable(caption: string, levels: LevelFigures[], endDate: string, previousEndDate: string): TableModel {
  const row = (label: string, cell: (l: LevelFigures) => string, hint?: string): TableRow => ({ label, hint, cells: levels.map(cell) });
  return {
    caption,
    columns: [{ label: 'Figure', numeric: false }, ...levels.map((l) => ({ label: l.level, sub: l.name, numeric: true }))],
    rows: [
      row('Completions', (l) => num(l.completions), 'completions at this level dated in the period'),
      row('People trained', (l) => num(l.peopleTrained), 'different people among them'),
      row('First time', (l) => num(l.firstTime)),
      row('Refresher', (l) => num(l.refresher), 'already held this level or higher before'),
      row('Sessions delivered', (l) => num(l.sessionsDelivered)),
      row('Places booked', (l) => num(l.placesBooked), 'not cancelled, not on the waiting list'),
      row('Attended', (l) => num(l.attended), 'walk-ins included'),
      row('No-shows', (l) => num(l.noShows)),
      row('Feedback responses', (l) => num(l.feedbackCount)),
      row('Average rating', (l) => (l.averageRating === null ? NONE_DUE : `${l.averageRating.toFixed(1)} out of 5`)),
      row(`Compliance at ${formatUkDate(endDate)}`, (l) => pct(l.compliancePctAtEnd), 'met / (met + overdue)'),
      ...(anyTarget(levels)
        ? [
            row('Target', (l) => (l.target?.targetPercent == null ? 'None set' : `${l.target.targetPercent}%`)),
            { label: 'Against target', hint: `at ${formatUkDate(endDate)}`, cells: levels.map((l) => targetTag(l)) },
          ]
        : []),
      row(`Compliance at ${formatUkDate(previousEndDate)}`, (l) => pct(l.compliancePctPreviousEnd)),
      row('Change', (l) => pointsChange(l.compliancePctAtEnd, l.compliancePctPreviousEnd) || NONE_DUE, 'percentage points'),
    ],
  };
}

/** One row per organisation or sector: people trained per level, sessions, attendance, compliance at the end. */
export function groupTable(
  caption: string,
  firstColumn: string,
  groups: { label: string; href?: string; hint?: string; levels: LevelFigures[] }[],
): TableModel {
  const levels = groups[0]?.levels ?? [];
  return {
    caption,
    columns: [
      { label: firstColumn, numeric: false },
      ...levels.map((l) => ({ label: `${l.level} trained`, sub: shortLevelName(l), numeric: true })),
      { label: 'Sessions', numeric: true },
      { label: 'Attended', numeric: true },
      ...levels.map((l) => ({ label: `${l.level} compliance`, sub: shortLevelName(l), numeric: true })),
    ],
    rows: groups.map((g) => {
      const sessions = g.levels.reduce((sum, l) => sum + l.sessionsDelivered, 0);
      const attended = g.levels.reduce((sum, l) => sum + l.attended, 0);
      return {
        label: g.label,
        href: g.href,
        hint: g.hint,
        cells: [...g.levels.map((l) => num(l.peopleTrained)), num(sessions), num(attended), ...g.levels.map((l) => pctAgainstTarget(l))],
      };
    }),
  };
}

export function organisationGroups(groups: OrganisationFigures[], hrefFor: (code: string) => string) {
  return groups.map((o) => ({
    label: o.direct ? `${o.name} (staff and sessions directly in it)` : o.name,
    href: o.direct ? undefined : hrefFor(o.code),
    hint: o.sectorName,
    levels: o.levels,
  }));
}

export function sectorGroups(groups: SectorFigures[]) {
  return groups.map((s) => ({ label: s.name, levels: s.levels }));
}

export interface Headline {
  value: string;
  label: string;
  /** The figure's status against its target, in words and colour. */
  tag?: { words: string; tagClass: string };
}

/** Two rows of headline figures: take-up, then compliance per level. */
export function quarterlyHeadlines(r: QuarterlyReport): { takeUp: Headline[]; compliance: Headline[] } {
  const sum = (pick: (l: LevelFigures) => number) => r.levels.reduce((s, l) => s + pick(l), 0);
  const completions = sum((l) => l.completions);
  const sessions = sum((l) => l.sessionsDelivered);
  const attended = sum((l) => l.attended);
  const noShows = sum((l) => l.noShows);
  return {
    takeUp: [
      { value: num(completions), label: `training ${completions === 1 ? 'completion' : 'completions'} (${r.levels.map((l) => `${l.level} ${num(l.completions)}`).join(', ')})` },
      { value: num(sessions), label: `${sessions === 1 ? 'session' : 'sessions'} delivered` },
      { value: num(attended), label: `${attended === 1 ? 'person' : 'people'} attended, ${plural(noShows, 'no-show', 'no-shows')}` },
    ],
    compliance: r.levels.map((l) => {
      const change = pointsChange(l.compliancePctAtEnd, l.compliancePctPreviousEnd);
      const target = targetCell(l.target);
      return {
        value: pct(l.compliancePctAtEnd),
        label: `${l.level} ${shortLevelName(l)} compliance at ${formatUkDate(r.period.end)}${change ? `, ${change}` : ''}${target.target ? `; target ${target.target}` : ''}`,
        tag: target.rated ? { words: target.words, tagClass: target.tagClass } : undefined,
      };
    }),
  };
}

/** The report's opening paragraphs, in the words a coordinator would use to the working group. */
export function quarterlySummary(r: QuarterlyReport): string[] {
  const sum = (pick: (l: LevelFigures) => number) => r.levels.reduce((s, l) => s + pick(l), 0);
  const completions = sum((l) => l.completions);
  const people = sum((l) => l.peopleTrained);
  const refreshers = sum((l) => l.refresher);
  const sessions = sum((l) => l.sessionsDelivered);
  const period = `${formatUkDate(r.period.start)} to ${formatUkDate(r.period.end)}`;
  const lines = [
    `In ${quarterLabel(r.period)} (${period}), ${plural(completions, 'Prevent training completion was', 'Prevent training completions were')} recorded for people in ${r.organisation.name}: ` +
      `${listInWords(r.levels.map((l) => `${num(l.completions)} at ${l.level}`))}. ` +
      `Counting each level on its own, ${plural(people, 'person was', 'people were')} trained, ${num(refreshers)} of them refreshing earlier training.`,
    sessions === 0
      ? 'No training sessions hosted in these organisations were delivered in the quarter.'
      : `${plural(sessions, 'session was', 'sessions were')} delivered, with ${plural(sum((l) => l.placesBooked), 'place', 'places')} booked, ` +
        `${plural(sum((l) => l.attended), 'attendee', 'attendees')} (walk-ins included) and ${plural(sum((l) => l.noShows), 'no-show', 'no-shows')}.`,
    `Compliance at ${formatUkDate(r.period.end)}: ` +
      listInWords(
        r.levels.map(
          (l) => `${l.level} ${pct(l.compliancePctAtEnd)}${l.compliancePctPreviousEnd === null ? '' : ` (${pct(l.compliancePctPreviousEnd)} at ${formatUkDate(r.previousPeriod.end)})`}`,
        ),
      ) +
      '.',
  ];
  return lines;
}

export function feedbackLines(f: FeedbackHighlights): string[] {
  if (f.responses === 0) return ['No participant feedback was given on sessions delivered in the quarter.'];
  const lines = [`${plural(f.responses, 'participant gave', 'participants gave')} feedback, rating the sessions ${f.averageRating?.toFixed(1)} out of 5 on average.`];
  if (f.recogniseBefore !== null && f.recogniseAfter !== null) {
    lines.push(`Confidence in recognising when someone may be vulnerable to radicalisation went from ${f.recogniseBefore.toFixed(1)} before the session to ${f.recogniseAfter.toFixed(1)} after (out of 5).`);
  }
  if (f.referBefore !== null && f.referAfter !== null) {
    lines.push(`Confidence in knowing how to refer a concern went from ${f.referBefore.toFixed(1)} to ${f.referAfter.toFixed(1)}.`);
  }
  return lines;
}

export function impactRows(impact: QuarterlyReport['impact']) {
  return [
    ...CONCERN_SOURCES.map((s) => ({ label: CONCERN_SOURCE_NAMES[s], value: num(impact.concerns[s]) })),
    { label: 'All sources', value: num(impact.concerns.total), total: true },
  ];
}

/** Chart data for the last four quarters: completions per level, and compliance % at each quarter's end. */
export function trendCharts(trend: QuarterlyReport['trend']): { takeUp: ChartData; compliance: ChartData } {
  const levels = trend[0]?.levels.map((l) => l.level) ?? [];
  const categories = trend.map((t) => t.label);
  return {
    takeUp: {
      title: 'Completions per level',
      categories,
      series: levels.map((code, i) => ({ name: code, values: trend.map((t) => t.levels[i].completions) })),
    },
    compliance: {
      title: 'Compliance % at the end of each quarter',
      categories,
      series: levels.map((code, i) => ({ name: code, values: trend.map((t) => t.levels[i].compliancePctAtEnd) })),
    },
  };
}

export function annualCharts(r: AnnualReport): { takeUp: ChartData; compliance: ChartData } {
  return trendCharts(
    r.quarters.map((q) => ({
      period: q.period,
      label: q.label,
      levels: q.levels.map((l) => ({ level: l.level, completions: l.completions, peopleTrained: l.peopleTrained, compliancePctAtEnd: l.compliancePctAtEnd })),
    })),
  );
}

/** The data table beside a chart: one row per category, one column per series. */
export function chartTable(data: ChartData, format: (v: number | null) => string): TableModel {
  return {
    caption: data.title,
    columns: [{ label: 'Quarter', numeric: false }, ...data.series.map((s) => ({ label: s.name, numeric: true }))],
    rows: data.categories.map((c, i) => ({ label: c, cells: data.series.map((s) => format(s.values[i])) })),
  };
}
