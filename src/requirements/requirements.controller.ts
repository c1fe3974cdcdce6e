import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn } from '../auth/allow.decorator';
import { CreateRequirementDto, RequirementView, UpdateRequirementDto } from './dto/requirement.dto';
import { RequirementsService, requirementView } from './requirements.service';

@ApiTags('requirements')
@ApiBearerAuth()
@Controller('api/requirements')
export class RequirementsController {
  constructor(private readonly requirements: RequirementsService) {}

  @Get()
  @AnySignedIn()
  async list(): Promise<RequirementView[]> {
    return (await this.requirements.list()).map(requirementView);
  }

  @Get(':id')
  @AnySignedIn()
  async get(@Param('id', ParseIntPipe) id: number): Promise<RequirementView> {
    return requirementView(await this.requirements.get(id));
  }

  @Post()
  @Allow('admin')
  async create(@Body() dto: CreateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.create(dto));
  }

  @Allow('admin')
  @Patch(':id')
  async update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.update(id, dto));
  }

  @Allow('admin')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.requirements.remove(id);
  }
}
