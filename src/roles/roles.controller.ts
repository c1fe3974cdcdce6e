import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../auth/allow.decorator';
import { CreateRoleDto, RoleView, UpdateRoleDto } from './dto/role.dto';
import { RolesService, roleView } from './roles.service';

@ApiTags('roles')
@ApiBearerAuth()
@Controller('api/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @AnySignedIn()
  async list(): Promise<RoleView[]> {
    return (await this.roles.list()).map(roleView);
  }

  @Get(':code')
  @AnySignedIn()
  async get(@Param('code') code: string): Promise<RoleView> {
    return roleView(await this.roles.getByCode(code));
  }

  @Post()
  @Allow('admin')
  @PartnershipWide()
  async create(@Body() dto: CreateRoleDto): Promise<RoleView> {
    return roleView(await this.roles.create(dto));
  }

  @PartnershipWide()
  @Allow('admin')
  @Patch(':code')
  async update(@Param('code') code: string, @Body() dto: UpdateRoleDto): Promise<RoleView> {
    return roleView(await this.roles.update(code, dto));
  }

  @PartnershipWide()
  @Allow('admin')
  @Delete(':code')
  @HttpCode(204)
  remove(@Param('code') code: string): Promise<void> {
    return this.roles.remove(code);
  }
}
