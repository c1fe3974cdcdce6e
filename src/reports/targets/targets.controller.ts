import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ScopeService } from '../../access/scope.service';
import { Allow, AnySignedIn, PartnershipWide } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { AppliedTargetsQuery, AppliedTargetsResponse, AppliedTargetView, TargetsListResponse, TargetValueDto } from './targets.dto';
import { type AppliedTarget, TargetsService } from './targets.service';

const SHARED = 'Only administrators for the whole partnership can change this: everyone shares it';
const NOT_THERE = 'No target is set there for that level';

@ApiTags('targets')
@ApiSignedIn()
@Controller('api/targets')
export class TargetsController {
  constructor(
    private readonly targets: TargetsService,
    private readonly scopes: ScopeService,
  ) {}

  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'The targets set: partnership-wide, per sector, and per organisation (those inside your organisations)' })
  @ApiOkResponse({ type: TargetsListResponse })
  list(@CurrentScope() scope: Scope): Promise<TargetsListResponse> {
    return this.targets.list(scope);
  }

  @Get('applied')
  @AnySignedIn()
  @ApiOperation({
    summary: 'The target that applies to an organisation, per level',
    description: 'The nearest target set for it or an organisation above it, else its sector’s, else the partnership’s; null where none is set',
  })
  @ApiOkResponse({ type: AppliedTargetsResponse })
  @ApiErrors({ notFound: 'No organisation with that code among yours' })
  async applied(@CurrentScope() scope: Scope, @Query() q: AppliedTargetsQuery): Promise<AppliedTargetsResponse> {
    const organisation = q.organisation ? await this.scopes.organisation(scope, q.organisation) : await this.scopes.defaultOrganisation(scope);
    const { levels } = await this.targets.list(scope);
    const applied = (await this.targets.targetsFor([organisation.id], levels.map((l) => l.code))).get(organisation.id)!;
    return {
      organisation: { code: organisation.code, name: organisation.name },
      levels: levels.map((l) => ({ level: l.code, name: l.name, target: applied.get(l.code) ?? null })),
    };
  }

  @Put('partnership/:level')
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: 'Set the partnership-wide target for a level' })
  @ApiOkResponse({ type: AppliedTargetView })
  @ApiErrors({ badRequest: 'The target or margin is not a percentage', forbidden: SHARED, unprocessable: 'No level with that code' })
  setPartnership(@CurrentScope() scope: Scope, @Param('level') level: string, @Body() dto: TargetValueDto): Promise<AppliedTarget> {
    return this.targets.setPartnership(scope, { level, ...dto });
  }

  @Delete('partnership/:level')
  @Allow('admin')
  @PartnershipWide()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the partnership-wide target for a level' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ forbidden: SHARED, notFound: NOT_THERE, unprocessable: 'No level with that code' })
  async removePartnership(@CurrentScope() scope: Scope, @Param('level') level: string): Promise<void> {
    if (!(await this.targets.remove(scope, 'partnership', {}, level))) throw new NotFoundException(NOT_THERE);
  }

  @Put('sectors/:sector/:level')
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: 'Set a sector’s target for a level (it overrides the partnership’s for organisations of that sector)' })
  @ApiOkResponse({ type: AppliedTargetView })
  @ApiErrors({ badRequest: 'The target or margin is not a percentage', forbidden: SHARED, unprocessable: 'No sector or level with that name' })
  setSector(@CurrentScope() scope: Scope, @Param('sector') sector: string, @Param('level') level: string, @Body() dto: TargetValueDto): Promise<AppliedTarget> {
    return this.targets.setSector(scope, sector, { level, ...dto });
  }

  @Delete('sectors/:sector/:level')
  @Allow('admin')
  @PartnershipWide()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a sector’s target for a level' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ forbidden: SHARED, notFound: NOT_THERE, unprocessable: 'No level with that code' })
  async removeSector(@CurrentScope() scope: Scope, @Param('sector') sector: string, @Param('level') level: string): Promise<void> {
    if (!(await this.targets.remove(scope, 'sector', { sector }, level))) throw new NotFoundException(NOT_THERE);
  }

  @Put('organisations/:organisation/:level')
  @Allow('admin')
  @ApiOperation({ summary: 'Set an organisation’s own target for a level (for it and everything below it)' })
  @ApiOkResponse({ type: AppliedTargetView })
  @ApiErrors({ badRequest: 'The target or margin is not a percentage', forbidden: 'Only administrators set targets', unprocessable: 'No organisation among yours, or no level, with that code' })
  setOrganisation(@CurrentScope() scope: Scope, @Param('organisation') organisation: string, @Param('level') level: string, @Body() dto: TargetValueDto): Promise<AppliedTarget> {
    return this.targets.setOrganisation(scope, organisation, { level, ...dto });
  }

  @Delete('organisations/:organisation/:level')
  @Allow('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an organisation’s own target for a level' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ forbidden: 'Only administrators set targets', notFound: NOT_THERE, unprocessable: 'No organisation among yours, or no level, with that code' })
  async removeOrganisation(@CurrentScope() scope: Scope, @Param('organisation') organisation: string, @Param('level') level: string): Promise<void> {
    if (!(await this.targets.remove(scope, 'organisation', { organisation }, level))) throw new NotFoundException(NOT_THERE);
  }
}
