import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate, quarterOf, todayIso } from '../../common/dates';
import { barChartSvg, type ChartData, percentLineChartSvg } from '../shared/chart-svg';
import { reportFile, sendFile } from '../shared/export-files';
import { PdfPrinter, PRINT_ORIGIN } from '../shared/pdf-printer';
import { type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { annualCsvSheet, annualSheets, quarterlyCsvSheet, quarterlySheets } from './quarterly-export';
import { OrganisationsService } from '../../organisations/organisations.service';
import {
  annualCharts,
  chartTable,
  feedbackLines,
  figuresTable,
  groupTable,
  impactRows,
  NONE_DUE,
  num,
  organisationGroups,
  pct,
  quarterlyHeadlines,
  quarterlySummary,
  sectorGroups,
  trendCharts,
} from './quarterly-presenter';
import { AnnualQuery, QuarterlyQuery } from './quarterly.dto';
import { ReportTargets } from '../targets/report-targets';
import { type AnnualReport, quarterLabel, type QuarterlyReport, QuarterlyService, yearName } from './quarterly.service';

const CHARTS = ['take-up', 'compliance'] as const;
const DOWNLOADS = ['pdf', 'csv', 'xlsx'] as const;
type Download = (typeof DOWNLOADS)[number];

/** The forms' fields in page order, and what each says when the address holds a value they cannot have. */
const QUARTERLY_FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  year: { message: 'Choose a financial year from the list' },
  quarter: { message: 'Choose a quarter from the list' },
};
const ANNUAL_FILTERS: Record<string, FilterField> = { organisation: QUARTERLY_FILTERS.organisation, year: QUARTERLY_FILTERS.year };
type ChartName = (typeof CHARTS)[number];
const CHART_SIZE = { width: 640, height: 320 };

export class QuarterlyChartQuery extends QuarterlyQuery {
  @IsIn(CHARTS, { message: `chart must be one of: ${CHARTS.join(', ')}` })
  chart: ChartName;
}

export class AnnualChartQuery extends AnnualQuery {
  @IsIn(CHARTS, { message: `chart must be one of: ${CHARTS.join(', ')}` })
  chart: ChartName;
}

function svgOf(charts: { takeUp: ChartData; compliance: ChartData }, chart: ChartName): string {
  return chart === 'take-up' ? barChartSvg(charts.takeUp, CHART_SIZE) : percentLineChartSvg(charts.compliance, CHART_SIZE);
}

function sendSvg(res: Response, svg: string): void {
  res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
  res.send(svg);
}

function query(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

/** Renders a view to HTML without sending it (for the PDF). */
function renderToString(res: Response, view: string, model: object): Promise<string> {
  return new Promise((resolve, reject) => res.render(view, model, (error: Error | null, html: string) => (error ? reject(error) : resolve(html))));
}

/** The quarterly report to the Prevent Working Group, the annual report, their charts and downloads. */
@ApiExcludeController()
@Controller('reports')
export class QuarterlyPagesController {
  constructor(
    private readonly quarterly: QuarterlyService,
    private readonly targets: ReportTargets,
    private readonly pdf: PdfPrinter,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get('quarterly')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(QuarterlyQuery, raw, QUARTERLY_FILTERS, DOWNLOADS);
    const report = await this.targets.quarterly(await this.quarterly.quarterly(scope, form.query));
    if (form.format && form.errors.errors.length === 0) return this.sendQuarterly(res, scope, report, form.format as Download);
    res.status(pageStatus(form.errors)).render('reports/quarterly', { ...(await this.quarterlyModel(scope, report, false)), ...form.errors });
  }

  @Get('quarterly/chart.svg')
  @AnySignedIn()
  async chart(@CurrentScope() scope: Scope, @Query() q: QuarterlyChartQuery, @Res() res: Response): Promise<void> {
    const trend = await this.quarterly.quarterlyTrend(scope, q);
    sendSvg(res, svgOf(trendCharts(trend), q.chart));
  }

  @Get('quarterly.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() q: QuarterlyQuery, @Res() res: Response): Promise<void> {
    await this.sendQuarterly(res, scope, await this.targets.quarterly(await this.quarterly.quarterly(scope, q)), 'csv');
  }

  @Get('quarterly.xlsx')
  @AnySignedIn()
  async xlsx(@CurrentScope() scope: Scope, @Query() q: QuarterlyQuery, @Res() res: Response): Promise<void> {
    await this.sendQuarterly(res, scope, await this.targets.quarterly(await this.quarterly.quarterly(scope, q)), 'xlsx');
  }

  @Get('quarterly.pdf')
  @AnySignedIn()
  async pdfFile(@CurrentScope() scope: Scope, @Query() q: QuarterlyQuery, @Res() res: Response): Promise<void> {
    await this.sendQuarterly(res, scope, await this.targets.quarterly(await this.quarterly.quarterly(scope, q)), 'pdf');
  }

  /** The quarterly report as the file asked for: the page's download buttons and the .pdf, .csv and .xlsx addresses. */
  private async sendQuarterly(res: Response, scope: Scope, r: QuarterlyReport, format: Download): Promise<void> {
    const name = `prevent-take-up-${r.organisation.code}-${r.period.year}-Q${r.period.quarter}`;
    if (format === 'csv') return sendFile(res, await reportFile('csv', name, [quarterlyCsvSheet(r)], r.periodName));
    if (format === 'xlsx') return sendFile(res, await reportFile('xlsx', name, quarterlySheets(r), `Prevent training take-up, ${r.periodName}`));
    const html = await renderToString(res, 'reports/quarterly', { ...(await this.quarterlyModel(scope, r, true)), layout: 'reports/report-print-layout', printOrigin: PRINT_ORIGIN });
    const charts = trendCharts(r.trend);
    const body = await this.pdf.print(html, {
      footer: `Prevent training take-up, ${quarterLabel(r.period)}: ${r.organisation.name}`,
      resources: async (path) => (path.startsWith('/reports/quarterly/chart.svg') ? { body: svgOf(charts, chartFrom(path)), contentType: 'image/svg+xml' } : null),
    });
    sendFile(res, { filename: `${name}.pdf`.replace(/[^A-Za-z0-9._-]+/g, '-'), contentType: 'application/pdf', body });
  }

  @Get('annual')
  @AnySignedIn()
  async annualPage(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(AnnualQuery, raw, ANNUAL_FILTERS, DOWNLOADS);
    const report = await this.targets.annual(await this.quarterly.annual(scope, form.query));
    if (form.format && form.errors.errors.length === 0) return this.sendAnnual(res, scope, report, form.format as Download);
    res.status(pageStatus(form.errors)).render('reports/annual', { ...(await this.annualModel(scope, report, false)), ...form.errors });
  }

  @Get('annual/chart.svg')
  @AnySignedIn()
  async annualChart(@CurrentScope() scope: Scope, @Query() q: AnnualChartQuery, @Res() res: Response): Promise<void> {
    const quarters = await this.quarterly.annualQuarters(scope, q);
    sendSvg(res, svgOf(annualCharts({ quarters } as AnnualReport), q.chart));
  }

  @Get('annual.csv')
  @AnySignedIn()
  async annualCsv(@CurrentScope() scope: Scope, @Query() q: AnnualQuery, @Res() res: Response): Promise<void> {
    await this.sendAnnual(res, scope, await this.targets.annual(await this.quarterly.annual(scope, q)), 'csv');
  }

  @Get('annual.xlsx')
  @AnySignedIn()
  async annualXlsx(@CurrentScope() scope: Scope, @Query() q: AnnualQuery, @Res() res: Response): Promise<void> {
    await this.sendAnnual(res, scope, await this.targets.annual(await this.quarterly.annual(scope, q)), 'xlsx');
  }

  @Get('annual.pdf')
  @AnySignedIn()
  async annualPdf(@CurrentScope() scope: Scope, @Query() q: AnnualQuery, @Res() res: Response): Promise<void> {
    await this.sendAnnual(res, scope, await this.targets.annual(await this.quarterly.annual(scope, q)), 'pdf');
  }

  /** The annual report as the file asked for: the page's download buttons and the .pdf, .csv and .xlsx addresses. */
  private async sendAnnual(res: Response, scope: Scope, r: AnnualReport, format: Download): Promise<void> {
    const name = `prevent-annual-${r.organisation.code}-${r.year}`;
    if (format === 'csv') return sendFile(res, await reportFile('csv', name, [annualCsvSheet(r)], `Annual report ${r.yearName}`));
    if (format === 'xlsx') return sendFile(res, await reportFile('xlsx', name, annualSheets(r), `Prevent training annual report ${r.yearName}`));
    const html = await renderToString(res, 'reports/annual', { ...(await this.annualModel(scope, r, true)), layout: 'reports/report-print-layout', printOrigin: PRINT_ORIGIN });
    const charts = annualCharts(r);
    const body = await this.pdf.print(html, {
      footer: `Prevent training annual report ${r.yearName}: ${r.organisation.name}`,
      resources: async (path) => (path.startsWith('/reports/annual/chart.svg') ? { body: svgOf(charts, chartFrom(path)), contentType: 'image/svg+xml' } : null),
    });
    sendFile(res, { filename: `${name}.pdf`.replace(/[^A-Za-z0-9._-]+/g, '-'), contentType: 'application/pdf', body });
  }

  private async choices(scope: Scope, current: { code: string; name: string }) {
    return this.organisations.choices(scope, current);
  }

  private yearChoices(selected: number) {
    const current = quarterOf(todayIso()).year;
    const years = [];
    for (let y = Math.max(current, selected); y >= Math.min(current - 9, selected); y--) years.push({ value: y, label: yearName(y), selected: y === selected });
    return years;
  }

  private async quarterlyModel(scope: Scope, r: QuarterlyReport, printView: boolean) {
    const params = { organisation: r.organisation.code, year: r.period.year, quarter: r.period.quarter };
    const charts = trendCharts(r.trend);
    const quarter = r.period.quarter;
    const label = quarterLabel(r.period);
    return {
      title: `Prevent training take-up, ${label}: ${r.organisation.name}`,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Quarterly take-up' }],
      printView,
      organisationName: r.organisation.name,
      organisationCode: r.organisation.code,
      periodLabel: label,
      periodDates: `${formatUkDate(r.period.start)} to ${formatUkDate(r.period.end)}`,
      yearName: yearName(r.period.year),
      period: r.period,
      ended: r.ended,
      asOf: r.asOf,
      noneDue: NONE_DUE,
      summary: quarterlySummary(r),
      headlines: quarterlyHeadlines(r),
      charts: [
        {
          src: `/reports/quarterly/chart.svg?${query({ ...params, chart: 'take-up' })}`,
          alt: `Bar chart of completions per level in the last four quarters, ${r.trend[0].label} to ${label}. The figures are in the table beside it.`,
          ...CHART_SIZE,
          table: chartTable(charts.takeUp, (v) => num(v ?? 0)),
        },
        {
          src: `/reports/quarterly/chart.svg?${query({ ...params, chart: 'compliance' })}`,
          alt: `Line chart of compliance % per level at the end of each of the last four quarters. The figures are in the table beside it.`,
          ...CHART_SIZE,
          table: chartTable(charts.compliance, pct),
        },
      ],
      levelsTable: figuresTable(`Figures per level, ${label}`, r.levels, r.period.end, r.previousPeriod.end),
      organisationsTable: groupTable(
        `By organisation, ${label}`,
        'Organisation',
        organisationGroups(r.byOrganisation, (code) => `/reports/quarterly?${query({ ...params, organisation: code })}`),
      ),
      sectorsTable: groupTable(`By sector, ${label}`, 'Sector', sectorGroups(r.bySector)),
      feedbackLines: feedbackLines(r.feedback),
      comments: r.feedback.comments,
      impact: r.impact,
      impactRows: impactRows(r.impact),
      canEnterImpact: !printView && scope.canEditPeople,
      organisations: printView ? [] : await this.choices(scope, r.organisation),
      years: this.yearChoices(r.period.year),
      quarters: [1, 2, 3, 4].map((value) => ({ value, label: ['Q1 (Apr to Jun)', 'Q2 (Jul to Sep)', 'Q3 (Oct to Dec)', 'Q4 (Jan to Mar)'][value - 1], selected: value === quarter })),
    };
  }

  private async annualModel(scope: Scope, r: AnnualReport, printView: boolean) {
    const params = { organisation: r.organisation.code, year: r.year };
    const charts = annualCharts(r);
    const previousYearEnd = `${r.year}-03-31`;
    return {
      title: `Prevent training annual report ${r.yearName}: ${r.organisation.name}`,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Annual report' }],
      printView,
      organisationName: r.organisation.name,
      organisationCode: r.organisation.code,
      yearName: r.yearName,
      year: r.year,
      yearDates: `${formatUkDate(r.start)} to ${formatUkDate(r.end)}`,
      ended: r.ended,
      end: r.end,
      asOf: r.asOf,
      noneDue: NONE_DUE,
      quarterTables: r.totals.map((_, levelIndex) => quarterColumnsTable(r, levelIndex)),
      totalsTable: figuresTable(`The year ${r.yearName} as a whole`, r.totals, r.end, previousYearEnd),
      charts: [
        {
          src: `/reports/annual/chart.svg?${query({ ...params, chart: 'take-up' })}`,
          alt: `Bar chart of completions per level in each quarter of ${r.yearName}. The figures are in the table beside it.`,
          ...CHART_SIZE,
          table: chartTable(charts.takeUp, (v) => num(v ?? 0)),
        },
        {
          src: `/reports/annual/chart.svg?${query({ ...params, chart: 'compliance' })}`,
          alt: `Line chart of compliance % per level at the end of each quarter of ${r.yearName}. The figures are in the table beside it.`,
          ...CHART_SIZE,
          table: chartTable(charts.compliance, pct),
        },
      ],
      organisationsTable: groupTable(
        `By organisation, ${r.yearName}`,
        'Organisation',
        organisationGroups(r.byOrganisation, (code) => `/reports/annual?${query({ ...params, organisation: code })}`),
      ),
      sectorsTable: groupTable(`By sector, ${r.yearName}`, 'Sector', sectorGroups(r.bySector)),
      impactTable: {
        caption: `Impact: concerns reported and Channel referrals, ${r.yearName}`,
        columns: [{ label: 'Quarter', numeric: false }, { label: 'Concerns', numeric: true }, { label: 'Channel referrals', numeric: true }],
        rows: [
          ...r.impact.map((i) => ({ label: i.label, cells: [num(i.concerns.total), num(i.channelReferrals)] })),
          {
            label: 'Year',
            cells: [num(r.impact.reduce((s, i) => s + i.concerns.total, 0)), num(r.impact.reduce((s, i) => s + i.channelReferrals, 0))],
          },
        ],
      },
      organisations: printView ? [] : await this.choices(scope, r.organisation),
      years: this.yearChoices(r.year),
    };
  }
}

/** One level's figures with the quarters side by side and the year's total last. */
function quarterColumnsTable(r: AnnualReport, levelIndex: number) {
  const total = r.totals[levelIndex];
  const columns = [...r.quarters.map((q) => ({ level: q.levels[levelIndex], label: q.label })), { level: total, label: `Year ${r.yearName}` }];
  const row = (label: string, cell: (l: (typeof columns)[number]['level']) => string, hint?: string) => ({ label, hint, cells: columns.map((c) => cell(c.level)) });
  return {
    caption: `${total.level}: ${total.name}`,
    columns: [{ label: 'Figure', numeric: false }, ...columns.map((c) => ({ label: c.label, numeric: true }))],
    rows: [
      row('Completions', (l) => num(l.completions)),
      row('People trained', (l) => num(l.peopleTrained), 'the year counts each person once'),
      row('First time', (l) => num(l.firstTime)),
      row('Refresher', (l) => num(l.refresher)),
      row('Sessions delivered', (l) => num(l.sessionsDelivered)),
      row('Places booked', (l) => num(l.placesBooked)),
      row('Attended', (l) => num(l.attended), 'walk-ins included'),
      row('No-shows', (l) => num(l.noShows)),
      row('Feedback responses', (l) => num(l.feedbackCount)),
      row('Average rating', (l) => (l.averageRating === null ? NONE_DUE : l.averageRating.toFixed(1))),
      row('Compliance at end', (l) => pct(l.compliancePctAtEnd), 'of the quarter; of the year for the year'),
    ],
  };
}

function chartFrom(path: string): ChartName {
  const chart = new URLSearchParams(path.split('?')[1] ?? '').get('chart');
  return chart === 'compliance' ? 'compliance' : 'take-up';
}
