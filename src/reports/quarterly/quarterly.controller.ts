import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { QuarterlyQuery } from './quarterly.dto';
import { type QuarterlyReport, QuarterlyService } from './quarterly.service';

@ApiTags('reports')
@Controller('api/reports')
export class QuarterlyController {
  constructor(private readonly quarterly: QuarterlyService) {}

  /**
   * Quarterly take-up (DOMAIN.md "Report definitions"): per level, then per child organisation and
   * per sector; the last four quarters; feedback; impact figures. Figures only, for every role.
   */
  @Get('quarterly')
  @AnySignedIn()
  @ApiOkResponse({ description: 'period {year, quarter, start, end}, levels, byOrganisation, bySector, trend, feedback, impact' })
  report(@CurrentScope() scope: Scope, @Query() query: QuarterlyQuery): Promise<QuarterlyReport> {
    return this.quarterly.quarterly(scope, query);
  }
}
