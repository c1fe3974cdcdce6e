import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { PersonComplianceQueryDto } from '../reports/gap-analysis/gap-analysis.dto';
import { ComplianceService, PersonComplianceView } from './compliance.service';

@ApiTags('staff')
@Controller('api/staff')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  /** The person's status for every level they require on a date (default today). */
  @Get(':id/compliance')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOkResponse({ description: 'levels: one entry per level required, with status, dueOn and lastCompletion' })
  forPerson(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() query: PersonComplianceQueryDto): Promise<PersonComplianceView> {
    return this.compliance.forPerson(scope, id, query.asOf, query.window);
  }
}
