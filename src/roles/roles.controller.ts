import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../auth/allow.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { CreateRoleDto, RoleView, UpdateRoleDto } from './dto/role.dto';
import { RolesService, roleView } from './roles.service';

@ApiTags('roles')
@ApiSignedIn()
@Controller('api/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'List the job roles that decide who needs which training' })
  @ApiOkResponse({ type: [RoleView] })
  async list(): Promise<RoleView[]> {
    return (await this.roles.list()).map(roleView);
  }

  @Get(':code')
  @AnySignedIn()
  @ApiOperation({ summary: 'Read a job role' })
  @ApiOkResponse({ type: RoleView })
  @ApiErrors({ notFound: 'No role with that code' })
  async get(@Param('code') code: string): Promise<RoleView> {
    return roleView(await this.roles.getByCode(code));
  }

  @Post()
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: 'Add a job role' })
  @ApiCreatedResponse({ type: RoleView })
  @ApiErrors({ badRequest: 'A field is missing or not valid', forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone', conflict: 'A role with that code already exists' })
  async create(@Body() dto: CreateRoleDto): Promise<RoleView> {
    return roleView(await this.roles.create(dto));
  }

  @PartnershipWide()
  @Allow('admin')
  @Patch(':code')
  @ApiOperation({ summary: "Change a job role's name or description" })
  @ApiOkResponse({ type: RoleView })
  @ApiErrors({ badRequest: 'A field is not valid', forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone', notFound: 'No role with that code' })
  async update(@Param('code') code: string, @Body() dto: UpdateRoleDto): Promise<RoleView> {
    return roleView(await this.roles.update(code, dto));
  }

  @PartnershipWide()
  @Allow('admin')
  @Delete(':code')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a job role nobody holds' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone', notFound: 'No role with that code', conflict: 'People still hold the role, or requirements name it' })
  remove(@Param('code') code: string): Promise<void> {
    return this.roles.remove(code);
  }
}
