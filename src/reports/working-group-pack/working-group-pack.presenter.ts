/** The Working Group pack as its page and PDF show it; the tables reuse the quarterly report's presenter. */
import { formatUkDate } from '../../common/dates';
import { percentLineChartSvg } from '../shared/chart-svg';
import type { Sheet } from '../shared/export-files';
import { chartTable, figuresTable, groupTable, organisationGroups, pct, quarterlySummary, sectorGroups } from '../quarterly/quarterly-presenter';
import { quarterLabel } from '../quarterly/quarterly.service';
import { RAG_TAG_CLASSES } from '../targets/rag';
import type { TrendView } from '../trend/trend.dto';
import type { WorkingGroupPackView } from './working-group-pack.dto';

const CHART = { width: 640, height: 320 };

/** The whole organisation's compliance per level at each quarter end: the chart's data. */
export function trendChartData(trend: TrendView) {
  const totals = trend.series.filter((s) => s.group.kind === 'total');
  return {
    title: `Compliance % at each quarter end, ${trend.organisation.name}`,
    categories: trend.quarters.map((q) => q.label),
    series: totals.map((s) => ({ name: s.level, values: s.points.map((p) => p.compliancePct) })),
  };
}

export function packModel(p: WorkingGroupPackView) {
  const r = p.quarterly;
  const label = quarterLabel(r.period);
  const chart = trendChartData(p.trend);
  const svg = percentLineChartSvg(chart, CHART);
  return {
    title: `Prevent Working Group pack, ${label}: ${r.organisation.name}`,
    organisationName: r.organisation.name,
    organisationCode: r.organisation.code,
    periodLabel: label,
    periodDates: `${formatUkDate(r.period.start)} to ${formatUkDate(r.period.end)}`,
    periodEndText: formatUkDate(r.period.end),
    ended: r.ended,
    asOfText: formatUkDate(r.asOf),
    summary: quarterlySummary(r),
    levelsTable: figuresTable(`Figures per level, ${label}`, r.levels, r.period.end, r.previousPeriod.end),
    organisationsTable: groupTable(`By organisation, ${label}`, 'Organisation', organisationGroups(r.byOrganisation, () => '').map((g) => ({ ...g, href: undefined }))),
    sectorsTable: groupTable(`By sector, ${label}`, 'Sector', sectorGroups(r.bySector)),
    trendChart: {
      src: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
      alt: `Line chart of compliance % per level at the end of each quarter, ${p.trend.quarters[0]?.label} to ${label}. The figures are in the table beside it.`,
      ...CHART,
      table: chartTable(chart, pct),
    },
    noTargets: p.trend.series.every((s) => s.targetPercent === null),
    belowTarget: p.belowTarget.map((b) => ({
      ...b,
      pctText: pct(b.compliancePct),
      targetText: b.targetPercent === null ? '' : `${b.targetPercent}%`,
      tag: RAG_TAG_CLASSES[b.status as keyof typeof RAG_TAG_CLASSES],
    })),
    withoutValidLead: p.withoutValidLead.map((o) => ({ ...o, statusText: o.status === 'no-lead' ? 'No named lead' : 'Lead’s L3 not valid' })),
  };
}

/** The trend as a spreadsheet: a row per group and level, a column per quarter end, with the target. */
export function trendSheet(trend: TrendView): Sheet {
  return {
    name: 'Compliance trend',
    heading: [`Compliance trend: ${trend.organisation.name}`, `${trend.quarters[0]?.label} to ${trend.quarters[trend.quarters.length - 1]?.label}, compliance % at each quarter end`],
    columns: [
      { header: 'Group', key: 'group', width: 36 },
      { header: 'Code', key: 'code', width: 14 },
      { header: 'Level', key: 'level', width: 8 },
      { header: 'Level name', key: 'levelName', width: 30 },
      { header: 'Target %', key: 'target' },
      ...trend.quarters.map((q, i) => ({ header: `${q.label} (at ${q.end})`, key: `q${i}`, width: 18 })),
    ],
    rows: trend.series.map((s) => ({
      group: s.group.name,
      code: s.group.code,
      level: s.level,
      levelName: s.levelName,
      target: s.targetPercent,
      ...Object.fromEntries(s.points.map((pt, i) => [`q${i}`, pt.compliancePct])),
    })),
  };
}
