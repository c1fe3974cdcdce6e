import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../../auth/allow.decorator';
import { NamedAccessLog } from '../../data-protection/named-access-log.service';
import { leadCoverageAccess } from './lead-coverage.pages.controller';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { LeadCoverageQuery, LeadCoverageView, LeadRoleCodesDto, LeadRoleCodesView } from './lead-coverage.dto';
import { LeadCoverageService } from './lead-coverage.service';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports/lead-coverage')
export class LeadCoverageController {
  constructor(
    private readonly coverage: LeadCoverageService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  /** For organisations of a sector and/or depth: whether each has a named Prevent lead holding a valid L3. Counts only. */
  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'Prevent lead coverage: whether each organisation has a trained Prevent lead', description: 'For the organisations of a sector or at a depth (all schools, say): a named lead holding a valid L3. Figures only.' })
  @ApiOkResponse({ type: LeadCoverageView })
  @ApiErrors({ badRequest: 'A filter or the date is not valid', notFound: 'No organisation with that code among yours' })
  counts(@CurrentScope() scope: Scope, @Query() query: LeadCoverageQuery): Promise<LeadCoverageView> {
    return this.coverage.coverage(scope, query, false);
  }

  /** The same with each organisation's leads by name. Not for viewers (figures only). */
  @Get('leads')
  @AnySignedIn()
  @ApiOperation({ summary: 'Prevent lead coverage with the leads by name' })
  @ApiOkResponse({ type: LeadCoverageView })
  @ApiErrors({ badRequest: 'A filter or the date is not valid', forbidden: 'Viewers see figures only, not names', notFound: 'No organisation with that code among yours' })
  async named(@CurrentScope() scope: Scope, @Query() query: LeadCoverageQuery): Promise<LeadCoverageView> {
    const v = await this.coverage.coverage(scope, query, true);
    this.accessLog.noteView(scope, leadCoverageAccess(v, 'json'));
    return v;
  }

  /** The role codes that make someone a named Prevent lead. */
  @Get('role-codes')
  @AnySignedIn()
  @ApiOperation({ summary: 'Which roles count as a Prevent lead' })
  @ApiOkResponse({ type: LeadRoleCodesView })
  async roleCodes(): Promise<LeadRoleCodesView> {
    return { roleCodes: await this.coverage.roleCodes() };
  }

  @Put('role-codes')
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: 'Choose which roles count as a Prevent lead' })
  @ApiOkResponse({ type: LeadRoleCodesView })
  @ApiErrors({
    badRequest: 'The list of role codes is missing or not valid',
    forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone',
    unprocessable: 'No role with one of the codes',
  })
  async setRoleCodes(@CurrentScope() scope: Scope, @Body() dto: LeadRoleCodesDto): Promise<LeadRoleCodesView> {
    return { roleCodes: await this.coverage.setRoleCodes(scope, dto.roleCodes) };
  }
}
