import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateRequirementDto, RequirementView, UpdateRequirementDto } from './dto/requirement.dto';
import { RequirementsService, requirementView } from './requirements.service';

@ApiTags('requirements')
@Controller('api/requirements')
export class RequirementsController {
  constructor(private readonly requirements: RequirementsService) {}

  @Get()
  async list(): Promise<RequirementView[]> {
    return (await this.requirements.list()).map(requirementView);
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number): Promise<RequirementView> {
    return requirementView(await this.requirements.get(id));
  }

  @Post()
  async create(@Body() dto: CreateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.create(dto));
  }

  @Patch(':id')
  async update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.requirements.remove(id);
  }
}
