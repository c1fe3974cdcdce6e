import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateRoleDto, RoleView, UpdateRoleDto } from './dto/role.dto';
import { RolesService, roleView } from './roles.service';

@ApiTags('roles')
@Controller('api/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  async list(): Promise<RoleView[]> {
    return (await this.roles.list()).map(roleView);
  }

  @Get(':code')
  async get(@Param('code') code: string): Promise<RoleView> {
    return roleView(await this.roles.getByCode(code));
  }

  @Post()
  async create(@Body() dto: CreateRoleDto): Promise<RoleView> {
    return roleView(await this.roles.create(dto));
  }

  @Patch(':code')
  async update(@Param('code') code: string, @Body() dto: UpdateRoleDto): Promise<RoleView> {
    return roleView(await this.roles.update(code, dto));
  }

  @Delete(':code')
  @HttpCode(204)
  remove(@Param('code') code: string): Promise<void> {
    return this.roles.remove(code);
  }
}
