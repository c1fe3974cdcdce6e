import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AnySignedIn } from '../../auth/allow.decorator';
import { NamedAccessLog } from '../../data-protection/named-access-log.service';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiJsonOrCsv, ApiSignedIn } from '../../common/openapi';
import { GapAnalysisQueryDto, GapAnalysisView, GapPeopleQueryDto, GapPeopleView } from './gap-analysis.dto';
import { csvFileName, gapAnalysisCsv, gapPeopleCsv } from './gap-analysis.csv';
import { GapAnalysisService } from './gap-analysis.service';
import type { AccessFilter } from '../../data-protection/named-access-log.service';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports/gap-analysis')
export class GapAnalysisController {
  constructor(
    private readonly gapAnalysis: GapAnalysisService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  /** Figures for an organisation subtree on a date; ?format=csv for a spreadsheet. Every role (viewers see figures). */
  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'Gap analysis: who needs which training and who holds it', description: 'Per level for an organisation and everything below it, on any date: compliant, expiring, pending, expired, missing; by organisation, sector and role.' })
  @ApiJsonOrCsv(GapAnalysisView, 'The figures; with ?format=csv a spreadsheet of them')
  @ApiErrors({ badRequest: 'The date, look-ahead or format is not valid', notFound: 'No organisation with that code among yours' })
  async report(@CurrentScope() scope: Scope, @Query() query: GapAnalysisQueryDto, @Res({ passthrough: true }) res: Response): Promise<GapAnalysisView | string> {
    const view = await this.gapAnalysis.report(scope, query);
    if (query.format !== 'csv') return view;
    sendCsv(res, csvFileName('gap-analysis', view.organisation.code, view.asOf));
    return gapAnalysisCsv(view);
  }

  /** The people behind a figure, paged (CSV: all of them). Not for viewers. */
  @Get('people')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({ summary: 'The people behind a gap analysis figure', description: 'Those needing a level with the given statuses (default: overdue). Paged; the CSV has all of them.' })
  @ApiJsonOrCsv(GapPeopleView, 'A page of people; with ?format=csv all of them as a spreadsheet')
  @ApiErrors({
    badRequest: 'A filter, date or page number is not valid',
    forbidden: 'Viewers see figures only, not people',
    notFound: 'No organisation with that code among yours',
    unprocessable: 'No level or role with that code',
  })
  async people(@CurrentScope() scope: Scope, @Query() query: GapPeopleQueryDto, @Res({ passthrough: true }) res: Response): Promise<GapPeopleView | string> {
    if (query.format !== 'csv') {
      const page = await this.gapAnalysis.people(scope, query);
      this.accessLog.noteView(scope, { list: 'gap-analysis-people', format: 'json', filter: gapPeopleFilter(page, query), rows: page.items.length, organisationCode: page.organisation.code });
      return page;
    }
    const everyone = await this.gapAnalysis.allPeople(scope, query);
    await this.accessLog.recordDownload(scope, {
      list: 'gap-analysis-people',
      format: 'csv',
      filter: { organisation: query.organisation, level: query.level, status: query.status ?? ['expired', 'missing'], role: query.role, sector: query.sector, asOf: query.asOf, window: query.window },
      rows: everyone.length,
      organisationCode: query.organisation,
    });
    sendCsv(res, csvFileName('gap-analysis-people', query.organisation ?? 'all', query.level, (query.status ?? ['expired', 'missing']).join('-')));
    return gapPeopleCsv(query.level, everyone);
  }
}

/** What the access log keeps of a people list's filter: codes, the date and statuses, the page. */
export function gapPeopleFilter(result: GapPeopleView, q: GapPeopleQueryDto): AccessFilter {
  return { organisation: result.organisation.code, level: result.level, status: result.statuses, role: q.role, sector: q.sector, asOf: result.asOf, window: result.windowDays, page: result.page };
}

export function sendCsv(res: Response, filename: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
}
