import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { PersonComplianceQueryDto } from '../reports/gap-analysis/gap-analysis.dto';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { ComplianceService } from './compliance.service';
import { StaffComplianceView } from './dto/staff-compliance.dto';

@ApiTags('staff')
@ApiSignedIn()
@Controller('api/staff')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  /** The person's status for every level they require on a date (default today). */
  @Get(':id/compliance')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({ summary: "See whether a person holds the training they need", description: 'Each level they require, with its status and the day it is due, on a date (default today).' })
  @ApiOkResponse({ type: StaffComplianceView })
  @ApiErrors({
    badRequest: 'The id, date or look-ahead is not valid',
    forbidden: 'Your role cannot do this (viewers see figures only, not people)',
    notFound: 'No person with that id in your organisations',
  })
  forPerson(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query() query: PersonComplianceQueryDto): Promise<StaffComplianceView> {
    return this.compliance.forPerson(scope, id, query.asOf, query.window);
  }
}
