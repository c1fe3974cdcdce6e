import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UnprocessableEntityException } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { CreateOrganisationDto, OrganisationView, UpdateOrganisationDto } from './dto/organisation.dto';
import { OrganisationNode, OrganisationsService, toView } from './organisations.service';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('api/organisations')
export class OrganisationsController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly scopes: ScopeService,
  ) {}

  /** The organisations inside the signed-in user's subtree, in tree order. */
  @Get()
  @AnySignedIn()
  async list(@CurrentScope() scope: Scope): Promise<OrganisationView[]> {
    const all = await this.organisations.list(rootsOf(scope));
    const codeOf = new Map(all.map((o) => [o.id, o.code]));
    return all.map((o) => toView(o, o.parentId === null ? null : (codeOf.get(o.parentId) ?? null)));
  }

  @Get('tree')
  @AnySignedIn()
  tree(@CurrentScope() scope: Scope): Promise<OrganisationNode[]> {
    return this.organisations.tree(rootsOf(scope));
  }

  @Get(':code')
  @AnySignedIn()
  async get(@CurrentScope() scope: Scope, @Param('code') code: string): Promise<OrganisationView> {
    return this.organisations.view(await this.scopes.organisation(scope, code));
  }

  @Post()
  @Allow('admin')
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateOrganisationDto): Promise<OrganisationView> {
    await this.assertParentInScope(scope, dto.parentCode);
    return this.organisations.view(await this.organisations.create(dto));
  }

  @Patch(':code')
  @Allow('admin')
  async update(@CurrentScope() scope: Scope, @Param('code') code: string, @Body() dto: UpdateOrganisationDto): Promise<OrganisationView> {
    await this.scopes.organisation(scope, code);
    if (dto.parentCode !== undefined) await this.assertParentInScope(scope, dto.parentCode);
    return this.organisations.view(await this.organisations.update(code, dto));
  }

  @Delete(':code')
  @Allow('admin')
  @HttpCode(204)
  async remove(@CurrentScope() scope: Scope, @Param('code') code: string): Promise<void> {
    await this.scopes.organisation(scope, code);
    await this.organisations.remove(code);
  }

  /** An administrator limited to a subtree may only add or move organisations inside it. */
  private async assertParentInScope(scope: Scope, parentCode: string | null | undefined): Promise<void> {
    if (scope.rootOrganisationId === null) return;
    if (!parentCode) throw new UnprocessableEntityException('parentCode: give a parent inside your organisation');
    const parent = await this.organisations.resolveCode(parentCode, 'parentCode');
    if (!(await this.scopes.organisationVisible(scope, parent.id))) {
      throw new UnprocessableEntityException(`parentCode: no organisation with code ${parentCode}`);
    }
  }
}

const rootsOf = (scope: Scope) => (scope.rootOrganisationId === null ? undefined : [scope.rootOrganisationId]);
