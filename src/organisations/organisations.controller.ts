import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateOrganisationDto, OrganisationView, UpdateOrganisationDto } from './dto/organisation.dto';
import { OrganisationNode, OrganisationsService, toView } from './organisations.service';

@ApiTags('organisations')
@Controller('api/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get()
  async list(): Promise<OrganisationView[]> {
    const all = await this.organisations.list();
    const codeOf = new Map(all.map((o) => [o.id, o.code]));
    return all.map((o) => toView(o, o.parentId === null ? null : (codeOf.get(o.parentId) ?? null)));
  }

  @Get('tree')
  tree(): Promise<OrganisationNode[]> {
    return this.organisations.tree();
  }

  @Get(':code')
  async get(@Param('code') code: string): Promise<OrganisationView> {
    return this.organisations.view(await this.organisations.getByCode(code));
  }

  @Post()
  async create(@Body() dto: CreateOrganisationDto): Promise<OrganisationView> {
    return this.organisations.view(await this.organisations.create(dto));
  }

  @Patch(':code')
  async update(@Param('code') code: string, @Body() dto: UpdateOrganisationDto): Promise<OrganisationView> {
    return this.organisations.view(await this.organisations.update(code, dto));
  }

  @Delete(':code')
  @HttpCode(204)
  remove(@Param('code') code: string): Promise<void> {
    return this.organisations.remove(code);
  }
}
