import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn } from '../auth/allow.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { CreateRequirementDto, RequirementView, UpdateRequirementDto } from './dto/requirement.dto';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { RequirementsService, requirementView } from './requirements.service';

@ApiTags('requirements')
@ApiSignedIn()
@Controller('api/requirements')
export class RequirementsController {
  constructor(private readonly requirements: RequirementsService) {}

  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'List which roles must hold which level', description: 'Those that apply everywhere and those for your organisations.' })
  @ApiOkResponse({ type: [RequirementView] })
  async list(@CurrentScope() scope: Scope): Promise<RequirementView[]> {
    return (await this.requirements.list(scope)).map(requirementView);
  }

  @Get(':id')
  @AnySignedIn()
  @ApiOperation({ summary: 'Read a training requirement' })
  @ApiOkResponse({ type: RequirementView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No requirement with that id that you can see' })
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<RequirementView> {
    return requirementView(await this.requirements.get(scope, id));
  }

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Require a role to hold a level', description: 'Everywhere, or only inside an organisation and everything below it; with the days a new starter has.' })
  @ApiCreatedResponse({ type: RequirementView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    forbidden: 'Only administrators; one that applies everywhere only by an administrator for the whole partnership',
    unprocessable: 'No role, level or organisation with that code among yours',
  })
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.create(scope, dto));
  }

  @Allow('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a training requirement' })
  @ApiOkResponse({ type: RequirementView })
  @ApiErrors({
    badRequest: 'A field is not valid',
    forbidden: 'Only administrators; one that applies everywhere only by an administrator for the whole partnership',
    notFound: 'No requirement with that id that you can see',
    unprocessable: 'No role, level or organisation with that code among yours',
  })
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateRequirementDto): Promise<RequirementView> {
    return requirementView(await this.requirements.update(scope, id, dto));
  }

  @Allow('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a training requirement' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({
    badRequest: 'The id is not a number',
    forbidden: 'Only administrators; one that applies everywhere only by an administrator for the whole partnership',
    notFound: 'No requirement with that id that you can see',
  })
  remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.requirements.remove(scope, id);
  }
}
