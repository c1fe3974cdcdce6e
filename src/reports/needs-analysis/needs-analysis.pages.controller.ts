import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate } from '../../common/dates';
import { reportFile, sendFile } from '../shared/export-files';
import { needsCsvSheet, needsGroupTable, needsSentences, needsSheets, needsTable } from './needs-analysis-presenter';
import { NeedsAnalysisQuery } from './needs-analysis.dto';
import { type NeedsAnalysis, NeedsAnalysisService } from './needs-analysis.service';
import { OrganisationsService } from '../../organisations/organisations.service';

function fileName(a: NeedsAnalysis): string {
  return `prevent-needs-analysis-${a.organisation.code}-${a.asOf}-${a.horizonMonths}m`;
}

/** The needs analysis page, in plain words, with its CSV and XLSX. */
@ApiExcludeController()
@Controller('reports')
export class NeedsAnalysisPagesController {
  constructor(
    private readonly needs: NeedsAnalysisService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get('needs-analysis')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() q: NeedsAnalysisQuery, @Res() res: Response): Promise<void> {
    const a = await this.needs.analyse(scope, q);
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
    res.render('reports/needs-analysis', {
      title: `Needs analysis: ${a.organisation.name}`,
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
      downloads: { csv: `/reports/needs-analysis.csv?${params.toString()}`, xlsx: `/reports/needs-analysis.xlsx?${params.toString()}` },
    });
  }

  @Get('needs-analysis.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() q: NeedsAnalysisQuery, @Res() res: Response): Promise<void> {
    const a = await this.needs.analyse(scope, q);
    sendFile(res, await reportFile('csv', fileName(a), [needsCsvSheet(a)], 'Needs analysis'));
  }

  @Get('needs-analysis.xlsx')
  @AnySignedIn()
  async xlsx(@CurrentScope() scope: Scope, @Query() q: NeedsAnalysisQuery, @Res() res: Response): Promise<void> {
    const a = await this.needs.analyse(scope, q);
    sendFile(res, await reportFile('xlsx', fileName(a), needsSheets(a), `Prevent training needs analysis: ${a.organisation.name}`));
  }
}
