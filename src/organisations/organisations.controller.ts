import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { FieldError } from '../common/field-error';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { CreateOrganisationDto, OrganisationNodeView, OrganisationView, UpdateOrganisationDto } from './dto/organisation.dto';
import { OrganisationNode, OrganisationsService, toView } from './organisations.service';

@ApiTags('organisations')
@ApiSignedIn()
@Controller('api/organisations')
export class OrganisationsController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly scopes: ScopeService,
  ) {}

  /** The organisations inside the signed-in user's subtree, in tree order. */
  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'List the organisations you can see', description: 'Yours and everything below it, in tree order.' })
  @ApiOkResponse({ type: [OrganisationView] })
  async list(@CurrentScope() scope: Scope): Promise<OrganisationView[]> {
    const all = await this.organisations.list(rootsOf(scope));
    const codeOf = new Map(all.map((o) => [o.id, o.code]));
    return all.map((o) => toView(o, o.parentId === null ? null : (codeOf.get(o.parentId) ?? null)));
  }

  @Get('tree')
  @AnySignedIn()
  @ApiOperation({ summary: 'Show the organisations you can see as a tree' })
  @ApiOkResponse({ type: [OrganisationNodeView] })
  tree(@CurrentScope() scope: Scope): Promise<OrganisationNode[]> {
    return this.organisations.tree(rootsOf(scope));
  }

  @Get(':code')
  @AnySignedIn()
  @ApiOperation({ summary: 'Read an organisation' })
  @ApiOkResponse({ type: OrganisationView })
  @ApiErrors({ notFound: 'No organisation with that code among yours' })
  async get(@CurrentScope() scope: Scope, @Param('code') code: string): Promise<OrganisationView> {
    return this.organisations.view(await this.scopes.organisation(scope, code));
  }

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Add an organisation' })
  @ApiCreatedResponse({ type: OrganisationView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    forbidden: 'Only administrators can add organisations',
    unprocessable: 'No parent organisation with that code among yours (an administrator of part of the partnership must give one)',
    conflict: 'An organisation with that code already exists',
  })
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateOrganisationDto): Promise<OrganisationView> {
    await this.assertParentInScope(scope, dto.parentCode);
    return this.organisations.view(await this.organisations.create(dto));
  }

  @Patch(':code')
  @Allow('admin')
  @ApiOperation({ summary: 'Change or move an organisation', description: 'Give only the fields to change; a new parentCode moves it with everything below it.' })
  @ApiOkResponse({ type: OrganisationView })
  @ApiErrors({
    badRequest: 'A field is not valid',
    forbidden: 'Only administrators can change organisations',
    notFound: 'No organisation with that code among yours',
    unprocessable: 'No parent organisation with that code among yours',
    conflict: 'The move would put it below itself, or give two people the same employee reference in one employer',
  })
  async update(@CurrentScope() scope: Scope, @Param('code') code: string, @Body() dto: UpdateOrganisationDto): Promise<OrganisationView> {
    await this.scopes.organisation(scope, code);
    if (dto.parentCode !== undefined) await this.assertParentInScope(scope, dto.parentCode);
    return this.organisations.view(await this.organisations.update(code, dto));
  }

  @Delete(':code')
  @Allow('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an empty organisation' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({
    forbidden: 'Only administrators can delete organisations',
    notFound: 'No organisation with that code among yours',
    conflict: 'It still has organisations, people or sessions in it',
  })
  async remove(@CurrentScope() scope: Scope, @Param('code') code: string): Promise<void> {
    await this.scopes.organisation(scope, code);
    await this.organisations.remove(code);
  }

  /** An administrator limited to a subtree may only add or move organisations inside it. */
  private async assertParentInScope(scope: Scope, parentCode: string | null | undefined): Promise<void> {
    if (scope.rootOrganisationId === null) return;
    if (!parentCode) throw new FieldError('parentCode', 'give a parent inside your organisation');
    const parent = await this.organisations.resolveCode(parentCode, 'parentCode');
    if (!(await this.scopes.organisationVisible(scope, parent.id))) {
      throw new FieldError('parentCode', `no organisation with code ${parentCode}`);
    }
  }
}

const rootsOf = (scope: Scope) => (scope.rootOrganisationId === null ? undefined : [scope.rootOrganisationId]);
