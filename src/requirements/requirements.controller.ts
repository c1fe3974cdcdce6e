import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn } from '../auth/allow.decorator';
import { CreateRequirementDto, RequirementView, UpdateRequirementDto } from './dto/requirement.dto';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { RequirementsService, requirementView } from './requirements.service';

@ApiTags('requirements')
@ApiBearerAuth()
@Controller('api/requirements')
export class RequirementsController {
  constructor(private readonly requirements: RequirementsService) {}

  @Get()
  @AnySignedIn()
  async list(@CurrentScope() scope: Scope): Promise<RequirementView[]> {
    return (await this.requirements.list(scope)).map(requirementView);
  }

  @Get(':id')
  @AnySignedIn()
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<RequirementView> {
    return requirementView(await this.requirements.get(scope, id));
  }

  @Post()
  @Allow('admin')
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.create(scope, dto));
  }

  @Allow('admin')
  @Patch(':id')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.update(scope, id, dto));
  }

  @Allow('admin')
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.requirements.remove(scope, id);
  }
}
