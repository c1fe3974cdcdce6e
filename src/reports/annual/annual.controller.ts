import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { AnnualQuery } from '../quarterly/quarterly.dto';
import { type AnnualReport, QuarterlyService } from '../quarterly/quarterly.service';

@ApiTags('reports')
@Controller('api/reports')
export class AnnualController {
  constructor(private readonly quarterly: QuarterlyService) {}

  /** The four quarters of a financial year side by side, and the year as a whole (distinct people over the year). */
  @Get('annual')
  @AnySignedIn()
  @ApiOkResponse({ description: 'quarters [{period, levels}], totals, byOrganisation, bySector, impact per quarter' })
  report(@CurrentScope() scope: Scope, @Query() query: AnnualQuery): Promise<AnnualReport> {
    return this.quarterly.annual(scope, query);
  }
}
