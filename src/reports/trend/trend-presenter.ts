/**
 * The trend as its page, chart and downloads show it: chart data (one line per level for the whole
 * organisation, or one per group when a single level is chosen), the data table beneath the chart,
 * the full table, and the CSV/XLSX sheet. No figure is worked out here.
 */
import type { ChartData } from '../shared/chart-svg';
import type { Sheet, SheetColumn } from '../shared/export-files';
import { RAG_TAG_CLASSES, type Rag } from '../targets/rag';
import type { TrendSeriesView, TrendView } from './trend.dto';

/** Lines a chart can show and stay readable; the table beneath has every group. */
export const MAX_CHART_LINES = 8;

const pct = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)}%`);

/** For one level: a line per group (the first few); for several: a line per level of the whole organisation. */
export function trendChart(v: TrendView): ChartData & { grouped: boolean; shownGroups: number; allGroups: number } {
  const categories = v.quarters.map((q) => q.label);
  if (v.levels.length === 1) {
    const lines = v.series.filter((s) => s.level === v.levels[0].code);
    const shown = lines.slice(0, MAX_CHART_LINES);
    return {
      title: `${v.levels[0].code} compliance % at each quarter end`,
      categories,
      series: shown.map((s) => ({ name: s.group.kind === 'total' ? `${s.group.name} (all)` : s.group.name, values: s.points.map((p) => p.compliancePct) })),
      grouped: true,
      shownGroups: shown.length,
      allGroups: lines.length,
    };
  }
  const totals = v.series.filter((s) => s.group.kind === 'total');
  return {
    title: `Compliance % at each quarter end, ${v.organisation.name}`,
    categories,
    series: totals.map((s) => ({ name: s.level, values: s.points.map((p) => p.compliancePct) })),
    grouped: false,
    shownGroups: 1,
    allGroups: 1,
  };
}

/** The chart's own data, as the table beneath it. */
export function chartDataTable(data: ChartData) {
  return {
    caption: `${data.title}: the figures`,
    columns: [{ label: 'Quarter', numeric: false }, ...data.series.map((s) => ({ label: s.name, numeric: true }))],
    rows: data.categories.map((c, i) => ({ label: c, cells: data.series.map((s) => pct(s.values[i])) })),
  };
}

export interface TrendTableRow {
  group: string;
  hint: string;
  level: string;
  target: string;
  cells: { text: string; status: Rag; words: string; tagClass: string }[];
}

/** Every group and level, a column per quarter end, each figure with its status against the target. */
export function trendTableRows(v: TrendView): TrendTableRow[] {
  return v.series.map((s) => ({
    group: s.group.name,
    hint: s.group.kind === 'total' ? 'the whole organisation' : s.group.kind === 'sector' ? 'sector' : s.group.code,
    level: s.level,
    target: s.targetPercent === null ? 'None set' : `${s.targetPercent}%`,
    cells: s.points.map((p) => ({ text: pct(p.compliancePct), status: p.rag.status as Rag, words: p.rag.words, tagClass: RAG_TAG_CLASSES[p.rag.status as Rag] })),
  }));
}

const GROUP_KIND_WORDS = { total: 'Whole organisation', organisation: 'Organisation', sector: 'Sector' } as const;

/** One row per group and level; per quarter end its compliance %, and the target and status beside each figure. */
export function trendSheet(v: TrendView): Sheet {
  const columns: SheetColumn[] = [
    { header: 'Group', key: 'kind', width: 20 },
    { header: 'Name', key: 'name', width: 36 },
    { header: 'Code', key: 'code', width: 14 },
    { header: 'Level', key: 'level', width: 8 },
    { header: 'Level name', key: 'levelName', width: 30 },
    { header: 'Target %', key: 'target', kind: 'percent' },
  ];
  v.quarters.forEach((q, i) => {
    columns.push({ header: `${q.label} compliance % (${q.end})`, key: `pct${i}`, kind: 'percent', width: 16 });
    columns.push({ header: `${q.label} status`, key: `status${i}`, width: 16 });
  });
  return {
    name: 'Compliance trend',
    heading: [`Compliance trend: ${v.organisation.name}`, `${v.quarters[0].label} to ${v.quarters[v.quarters.length - 1].label}, at each quarter end`],
    columns,
    rows: v.series.map((s: TrendSeriesView) => {
      const row: Record<string, unknown> = {
        kind: s.group.direct ? 'Directly in the organisation' : GROUP_KIND_WORDS[s.group.kind],
        name: s.group.name,
        code: s.group.code,
        level: s.level,
        levelName: s.levelName,
        target: s.targetPercent,
      };
      s.points.forEach((p, i) => {
        row[`pct${i}`] = p.compliancePct;
        row[`status${i}`] = p.rag.words;
      });
      return row;
    }),
  };
}
