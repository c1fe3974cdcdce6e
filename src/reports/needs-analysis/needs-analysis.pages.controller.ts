import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate } from '../../common/dates';
import { reportFile, sendFile } from '../shared/export-files';
import { dateBoxes, dateMessage, type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { needsCsvSheet, needsGroupTable, needsSentences, needsSheets, needsTable } from './needs-analysis-presenter';
import { MAX_HORIZON_MONTHS, NeedsAnalysisQuery } from './needs-analysis.dto';
import { type NeedsAnalysis, NeedsAnalysisService } from './needs-analysis.service';
import { OrganisationsService } from '../../organisations/organisations.service';

function fileName(a: NeedsAnalysis): string {
  return `prevent-needs-analysis-${a.organisation.code}-${a.asOf}-${a.horizonMonths}m`;
}

/** The form's fields in page order, and what each says when it is filled in wrongly. */
const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  asOf: dateMessage('From'),
  horizonMonths: { message: `Months ahead must be a whole number from 1 to ${MAX_HORIZON_MONTHS}` },
  sessionCapacity: { message: 'Places on a WRAP session must be a whole number from 1 to 1000' },
  sessionsPerTrainer: { message: 'Sessions a trainer runs a year must be a whole number from 1 to 365' },
};

/** The needs analysis page, in plain words, with its CSV and XLSX (the form's download buttons, or the .csv and .xlsx addresses). */
@ApiExcludeController()
@Controller('reports')
export class NeedsAnalysisPagesController {
  constructor(
    private readonly needs: NeedsAnalysisService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get('needs-analysis')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(NeedsAnalysisQuery, raw, FILTERS, ['csv', 'xlsx']);
    const a = await this.needs.analyse(scope, form.query);
    if (form.format && form.errors.errors.length === 0) return this.send(res, a, form.format as 'csv' | 'xlsx');
    const shown = (field: keyof typeof FILTERS, value: number) => (form.refused(field) ? form.typed[field] : String(value));
    const params = new URLSearchParams({
      organisation: a.organisation.code,
      asOf: a.asOf,
      horizonMonths: String(a.horizonMonths),
      sessionCapacity: String(a.sessionCapacity),
      sessionsPerTrainer: String(a.sessionsPerTrainer),
    });
    const link = (code: string) => {
      const p = new URLSearchParams(params);
      p.set('organisation', code);
      return `/reports/needs-analysis?${p.toString()}`;
    };
    res.status(pageStatus(form.errors)).render('reports/needs-analysis', {
      title: `Needs analysis: ${a.organisation.name}`,
      ...form.errors,
      asOfParts: dateBoxes(raw, 'asOf', form.refused('asOf'), a.asOf),
      values: {
        horizonMonths: shown('horizonMonths', a.horizonMonths),
        sessionCapacity: shown('sessionCapacity', a.sessionCapacity),
        sessionsPerTrainer: shown('sessionsPerTrainer', a.sessionsPerTrainer),
      },
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Needs analysis' }],
      a,
      period: `From ${formatUkDate(a.asOf)} to ${formatUkDate(a.horizonEnd)} (${a.horizonMonths} ${a.horizonMonths === 1 ? 'month' : 'months'})`,
      sentences: needsSentences(a),
      levelsTable: needsTable(a),
      organisationsTable: needsGroupTable(
        a,
        'By organisation',
        'Organisation',
        a.byOrganisation.map((o) => ({ ...o, label: o.direct ? `${o.name} (people directly in it)` : o.name, href: o.direct ? undefined : link(o.code), hint: o.sectorName })),
      ),
      sectorsTable: needsGroupTable(a, 'By sector', 'Sector', a.bySector.map((s) => ({ ...s, label: s.name }))),
      rolesTable: needsGroupTable(a, 'By role (a person with several roles counts under each)', 'Role', a.byRole.map((r) => ({ ...r, label: r.name, hint: r.code }))),
      organisations: await this.organisations.choices(scope, a.organisation),
    });
  }

  @Get('needs-analysis.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() q: NeedsAnalysisQuery, @Res() res: Response): Promise<void> {
    await this.send(res, await this.needs.analyse(scope, q), 'csv');
  }

  @Get('needs-analysis.xlsx')
  @AnySignedIn()
  async xlsx(@CurrentScope() scope: Scope, @Query() q: NeedsAnalysisQuery, @Res() res: Response): Promise<void> {
    await this.send(res, await this.needs.analyse(scope, q), 'xlsx');
  }

  private async send(res: Response, a: NeedsAnalysis, format: 'csv' | 'xlsx'): Promise<void> {
    if (format === 'csv') sendFile(res, await reportFile('csv', fileName(a), [needsCsvSheet(a)], 'Needs analysis'));
    else sendFile(res, await reportFile('xlsx', fileName(a), needsSheets(a), `Prevent training needs analysis: ${a.organisation.name}`));
  }
}
