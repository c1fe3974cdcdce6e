import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { AnnualQuery, AnnualReportView } from '../quarterly/quarterly.dto';
import { QuarterlyService } from '../quarterly/quarterly.service';
import { ReportTargets } from '../targets/report-targets';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports')
export class AnnualController {
  constructor(
    private readonly quarterly: QuarterlyService,
    private readonly targets: ReportTargets,
  ) {}

  /** The four quarters of a financial year side by side, and the year as a whole (distinct people over the year). */
  @Get('annual')
  @AnySignedIn()
  @ApiOperation({ summary: 'Annual report of training take-up', description: 'The four quarters of a financial year side by side, and the year as a whole.' })
  @ApiOkResponse({ type: AnnualReportView })
  @ApiErrors({ badRequest: 'The year is not valid', notFound: 'No organisation with that code among yours' })
  async report(@CurrentScope() scope: Scope, @Query() query: AnnualQuery): Promise<AnnualReportView> {
    return this.targets.annual(await this.quarterly.annual(scope, query));
  }
}
