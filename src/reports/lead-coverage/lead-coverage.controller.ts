import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { LeadCoverageQuery, LeadCoverageView, LeadRoleCodesDto, LeadRoleCodesView } from './lead-coverage.dto';
import { LeadCoverageService } from './lead-coverage.service';

@ApiTags('reports')
@Controller('api/reports/lead-coverage')
export class LeadCoverageController {
  constructor(private readonly coverage: LeadCoverageService) {}

  /** For organisations of a sector and/or depth: whether each has a named Prevent lead holding a valid L3. Counts only. */
  @Get()
  @AnySignedIn()
  @ApiOkResponse({ type: LeadCoverageView })
  counts(@CurrentScope() scope: Scope, @Query() query: LeadCoverageQuery): Promise<LeadCoverageView> {
    return this.coverage.coverage(scope, query, false);
  }

  /** The same with each organisation's leads by name. Not for viewers (figures only). */
  @Get('leads')
  @AnySignedIn()
  @ApiOkResponse({ type: LeadCoverageView })
  @ApiForbiddenResponse({ description: 'Viewers see figures only' })
  named(@CurrentScope() scope: Scope, @Query() query: LeadCoverageQuery): Promise<LeadCoverageView> {
    return this.coverage.coverage(scope, query, true);
  }

  /** The role codes that make someone a named Prevent lead. */
  @Get('role-codes')
  @AnySignedIn()
  @ApiOkResponse({ type: LeadRoleCodesView })
  async roleCodes(): Promise<LeadRoleCodesView> {
    return { roleCodes: await this.coverage.roleCodes() };
  }

  @Put('role-codes')
  @Allow('admin')
  @PartnershipWide()
  @ApiOkResponse({ type: LeadRoleCodesView })
  async setRoleCodes(@CurrentScope() scope: Scope, @Body() dto: LeadRoleCodesDto): Promise<LeadRoleCodesView> {
    return { roleCodes: await this.coverage.setRoleCodes(scope, dto.roleCodes) };
  }
}
