import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import { formErrors } from '../../common/form-errors';
import { OrganisationsService } from '../../organisations/organisations.service';
import { percentLineChartSvg } from '../shared/chart-svg';
import { reportFile, sendFile } from '../shared/export-files';
import { type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { chartDataTable, trendChart, trendSheet, trendTableRows } from './trend-presenter';
import { QUARTER_PATTERN, TREND_GROUPS, type TrendGroupBy, type TrendView } from './trend.dto';
import { quarterKey, type TrendOptions, TrendService, trendQuarters } from './trend.service';

const DOWNLOADS = ['csv', 'xlsx'] as const;
const CHART_SIZE = { width: 720, height: 360 };
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The page's form: one level (or all) rather than the API's list. */
class TrendPageQuery {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @IsOptional()
  @Matches(QUARTER_PATTERN)
  from?: string;

  @IsOptional()
  @Matches(QUARTER_PATTERN)
  to?: string;

  @IsOptional()
  @IsString()
  @Length(1, 10)
  level?: string;

  @IsOptional()
  @IsIn(TREND_GROUPS)
  groupBy?: TrendGroupBy;
}

const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  from: { message: 'Choose the first quarter from the list' },
  to: { message: 'Choose the last quarter from the list' },
  level: { message: 'Choose a level from the list' },
  groupBy: { message: 'Choose how to break the figures down' },
};

function optionsOf(q: TrendPageQuery): TrendOptions {
  return { organisation: q.organisation, from: q.from, to: q.to, levels: q.level ? [q.level] : undefined, groupBy: q.groupBy };
}

function query(options: TrendPageQuery): string {
  return new URLSearchParams(Object.entries(options).filter(([, v]) => typeof v === 'string' && v !== '') as [string, string][]).toString();
}

/** Compliance % at each quarter end over a run of quarters: the page, its chart and its downloads. */
@ApiExcludeController()
@Controller('reports')
export class TrendPagesController {
  constructor(
    private readonly trends: TrendService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get('trend')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(TrendPageQuery, raw, FILTERS, DOWNLOADS);
    const problems = [...form.errors.errors.map((e) => ({ field: e.field ?? '', message: e.text }))];
    // From after to, or a range too long: said at the first quarter, and the default quarters shown.
    try {
      trendQuarters(form.query);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(...error.problems);
      form.query.from = undefined;
      form.query.to = undefined;
    }
    let v: TrendView;
    try {
      v = await this.trends.trend(scope, optionsOf(form.query));
    } catch (error) {
      // A level that does not exist: said at the level, and every level shown.
      if (!(error instanceof FieldError) || error.field !== 'levels') throw error;
      problems.push({ field: 'level', message: FILTERS.level.message });
      form.query.level = undefined;
      v = await this.trends.trend(scope, optionsOf(form.query));
    }
    const errors = problems.length ? formErrors(problems, {}, Object.keys(FILTERS), {}) : form.errors;
    if (form.format && errors.errors.length === 0) return this.send(res, v, form.format as 'csv' | 'xlsx');

    const chart = trendChart(v);
    const shown: TrendPageQuery = {
      organisation: v.organisation.code,
      from: quarterKey(v.quarters[0]),
      to: quarterKey(v.quarters[v.quarters.length - 1]),
      level: v.levels.length === 1 ? v.levels[0].code : undefined,
      groupBy: v.groupBy,
    };
    const choices = this.trends.quarterChoices();
    const first = v.quarters[0];
    const last = v.quarters[v.quarters.length - 1];
    res.status(pageStatus(errors)).render('reports/trend', {
      title: `Compliance trend: ${v.organisation.name}`,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Compliance trend' }],
      ...errors,
      v,
      period: `${first.label} to ${last.label}`,
      periodDates: `quarter ends from ${formatUkDate(first.end)} to ${formatUkDate(last.end)}`,
      organisations: await this.organisations.choices(scope, v.organisation),
      fromChoices: choices.map((c) => ({ ...c, selected: c.value === shown.from })),
      toChoices: choices.map((c) => ({ ...c, selected: c.value === shown.to })),
      levelChoices: [{ value: '', text: 'All levels', selected: !shown.level }, ...(await this.trends.levelChoices()).map((l) => ({ value: l.code, text: `${l.code} ${l.name}`, selected: l.code === shown.level }))],
      groupChoices: [
        { value: 'organisation', text: 'Each organisation directly below', checked: v.groupBy === 'organisation' },
        { value: 'sector', text: 'Each sector', checked: v.groupBy === 'sector' },
      ],
      chart: {
        src: `/reports/trend/chart.svg?${query(shown)}`,
        alt: chart.grouped
          ? `Line chart of ${v.levels[0].code} compliance % at each quarter end from ${first.label} to ${last.label}, one line for ${v.organisation.name} and one for each of ${chart.shownGroups - 1} groups. The figures are in the table beneath it.`
          : `Line chart of compliance % at each quarter end from ${first.label} to ${last.label} for ${v.organisation.name}, one line per level. The figures are in the table beneath it.`,
        ...CHART_SIZE,
        table: chartDataTable(chart),
      },
      chartLeavesOut: chart.allGroups > chart.shownGroups ? chart.allGroups - chart.shownGroups : 0,
      rows: trendTableRows(v),
      groupWord: v.groupBy === 'sector' ? 'sector' : 'organisation',
    });
  }

  @Get('trend/chart.svg')
  @AnySignedIn()
  async chart(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const v = await this.trends.trend(scope, optionsOf(await this.strict(raw)));
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    res.send(percentLineChartSvg(trendChart(v), CHART_SIZE));
  }

  @Get('trend.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    await this.send(res, await this.trends.trend(scope, optionsOf(await this.strict(raw))), 'csv');
  }

  @Get('trend.xlsx')
  @AnySignedIn()
  async xlsx(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    await this.send(res, await this.trends.trend(scope, optionsOf(await this.strict(raw))), 'xlsx');
  }

  /** The download and chart addresses refuse a wrong value (400) rather than falling back. */
  private async strict(raw: RawQuery): Promise<TrendPageQuery> {
    const form = await readFilters(TrendPageQuery, raw, FILTERS);
    if (form.errors.errors.length) throw FieldError.all(form.errors.errors.map((e) => ({ field: e.field ?? '', message: e.text })), 400);
    return form.query;
  }

  private async send(res: Response, v: TrendView, format: 'csv' | 'xlsx'): Promise<void> {
    const name = `prevent-compliance-trend-${v.organisation.code}-${quarterKey(v.quarters[0])}-${quarterKey(v.quarters[v.quarters.length - 1])}`;
    sendFile(res, await reportFile(format, name, [trendSheet(v)], `Compliance trend: ${v.organisation.name}`));
  }
}

