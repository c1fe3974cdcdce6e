import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { reportFile, sendFile } from '../shared/export-files';
import { trendSheet } from './trend-presenter';
import { TrendQueryDto, TrendView } from './trend.dto';
import { quarterKey, TrendService } from './trend.service';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports/trend')
export class TrendController {
  constructor(private readonly trends: TrendService) {}

  @Get()
  @AnySignedIn()
  @ApiOperation({
    summary: 'Compliance % at each quarter end, per level, for the organisation and each organisation below it or each sector',
    description:
      'UK financial quarters (2025Q1 is April to June 2025); the last eight that have ended by default. Each figure is the gap analysis on that quarter end, with roles and organisations as they are now. Each carries the target that applies and its status. format=csv or xlsx gives the download.',
  })
  @ApiOkResponse({ type: TrendView })
  @ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiErrors({ badRequest: 'A quarter, a level or the grouping is not valid, or the range is back to front or longer than five years', notFound: 'No organisation with that code among yours' })
  async trend(@CurrentScope() scope: Scope, @Query() q: TrendQueryDto, @Res({ passthrough: true }) res: Response): Promise<TrendView | void> {
    const v = await this.trends.trend(scope, q);
    if (!q.format || q.format === 'json') return v;
    const name = `prevent-compliance-trend-${v.organisation.code}-${quarterKey(v.quarters[0])}-${quarterKey(v.quarters[v.quarters.length - 1])}`;
    sendFile(res, await reportFile(q.format, name, [trendSheet(v)], `Compliance trend: ${v.organisation.name}`));
  }
}
