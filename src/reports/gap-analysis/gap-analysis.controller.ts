import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { GapAnalysisQueryDto, GapAnalysisView, GapPeopleQueryDto, GapPeopleView } from './gap-analysis.dto';
import { csvFileName, gapAnalysisCsv, gapPeopleCsv } from './gap-analysis.csv';
import { GapAnalysisService } from './gap-analysis.service';

@ApiTags('reports')
@Controller('api/reports/gap-analysis')
export class GapAnalysisController {
  constructor(private readonly gapAnalysis: GapAnalysisService) {}

  /** Figures for an organisation subtree on a date; ?format=csv for a spreadsheet. Every role (viewers see figures). */
  @Get()
  @AnySignedIn()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: GapAnalysisView })
  async report(@CurrentScope() scope: Scope, @Query() query: GapAnalysisQueryDto, @Res({ passthrough: true }) res: Response): Promise<GapAnalysisView | string> {
    const view = await this.gapAnalysis.report(scope, query);
    if (query.format !== 'csv') return view;
    sendCsv(res, csvFileName('gap-analysis', view.organisation.code, view.asOf));
    return gapAnalysisCsv(view);
  }

  /** The people behind a figure, paged (CSV: all of them). Not for viewers. */
  @Get('people')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: GapPeopleView })
  async people(@CurrentScope() scope: Scope, @Query() query: GapPeopleQueryDto, @Res({ passthrough: true }) res: Response): Promise<GapPeopleView | string> {
    if (query.format !== 'csv') return this.gapAnalysis.people(scope, query);
    const everyone = await this.gapAnalysis.allPeople(scope, query);
    sendCsv(res, csvFileName('gap-analysis-people', query.organisation ?? 'all', query.level, (query.status ?? ['expired', 'missing']).join('-')));
    return gapPeopleCsv(query.level, everyone);
  }
}

export function sendCsv(res: Response, filename: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
}
