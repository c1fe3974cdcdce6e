import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { QuarterlyQuery, QuarterlyReportView } from './quarterly.dto';
import { QuarterlyService } from './quarterly.service';
import { ReportTargets } from '../targets/report-targets';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports')
export class QuarterlyController {
  constructor(
    private readonly quarterly: QuarterlyService,
    private readonly targets: ReportTargets,
  ) {}

  /**
   * Quarterly take-up (DOMAIN.md "Report definitions"): per level, then per child organisation and
   * per sector; the last four quarters; feedback; impact figures. Figures only, for every role.
   */
  @Get('quarterly')
  @AnySignedIn()
  @ApiOperation({ summary: 'Quarterly take-up of training', description: 'For a UK financial quarter (Q1 is April to June): per level, by organisation and by sector; the last four quarters; feedback and impact figures.' })
  @ApiOkResponse({ type: QuarterlyReportView })
  @ApiErrors({ badRequest: 'The year or quarter is not valid', notFound: 'No organisation with that code among yours' })
  async report(@CurrentScope() scope: Scope, @Query() query: QuarterlyQuery): Promise<QuarterlyReportView> {
    return this.targets.quarterly(await this.quarterly.quarterly(scope, query));
  }
}
