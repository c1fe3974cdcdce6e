import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { DryRunView, RetentionPolicyView, RetentionRunView, RetentionYearsDto } from './dto/retention.dto';
import { RetentionPolicyService } from './retention-policy.service';
import { RetentionService } from './retention.service';

/** The retention policy, who it would anonymise now, and a run now: administrators, for their own subtree. */
@ApiTags('data protection')
@ApiSignedIn()
@Controller('api/data-protection/retention')
export class RetentionController {
  constructor(
    private readonly policy: RetentionPolicyService,
    private readonly retention: RetentionService,
  ) {}

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'Read the retention policy', description: "How many years after their end date leavers' personal details are kept, partnership-wide and where an organisation in your subtree keeps them for a different time." })
  @ApiOkResponse({ type: RetentionPolicyView })
  async get(@CurrentScope() scope: Scope): Promise<RetentionPolicyView> {
    return this.policy.policy(scope);
  }

  @Put()
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: "Set the partnership's retention period", description: 'In whole years after a leaver’s end date (6 when never set).' })
  @ApiOkResponse({ type: RetentionPolicyView })
  @ApiErrors({ badRequest: 'The number of years is not a whole number from 1 to 100', forbidden: 'Only an administrator for the whole partnership can change this' })
  async setDefault(@CurrentScope() scope: Scope, @Body() dto: RetentionYearsDto): Promise<RetentionPolicyView> {
    await this.policy.setDefaultYears(scope, dto.years);
    return this.policy.policy(scope);
  }

  @Put('overrides/:code')
  @Allow('admin')
  @ApiOperation({ summary: "Set an organisation's own retention period", description: 'It applies to the organisation and everything below it, unless an organisation nearer a person has its own.' })
  @ApiOkResponse({ type: RetentionPolicyView })
  @ApiErrors({ badRequest: 'The number of years is not a whole number from 1 to 100', unprocessable: 'No organisation with that code in your subtree' })
  async setOverride(@CurrentScope() scope: Scope, @Param('code') code: string, @Body() dto: RetentionYearsDto): Promise<RetentionPolicyView> {
    await this.policy.setOverride(scope, code, dto.years);
    return this.policy.policy(scope);
  }

  @Delete('overrides/:code')
  @Allow('admin')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove an organisation's own retention period", description: 'Its people are kept as the organisations above it keep theirs.' })
  @ApiNoContentResponse({ description: 'Removed (or there was none)' })
  @ApiErrors({ unprocessable: 'No organisation with that code in your subtree' })
  async removeOverride(@CurrentScope() scope: Scope, @Param('code') code: string): Promise<void> {
    await this.policy.setOverride(scope, code, null);
  }

  @Get('due')
  @Allow('admin')
  @ApiOperation({ summary: 'Who a retention run now would anonymise', description: 'A dry run: changes nothing. The leavers in your subtree past their period, with counts per period.' })
  @ApiOkResponse({ type: DryRunView })
  async due(@CurrentScope() scope: Scope): Promise<DryRunView> {
    return this.retention.dryRun(scope);
  }

  @Post('run')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run retention now', description: 'Anonymises the leavers in your subtree past their period, as the daily run does; written to the audit log with counts.' })
  @ApiOkResponse({ type: RetentionRunView })
  async run(@CurrentScope() scope: Scope): Promise<RetentionRunView> {
    return this.retention.run(scope, 'manual');
  }
}
