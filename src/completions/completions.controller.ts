import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { Page } from '../common/paging';
import { CompletionsService, completionView } from './completions.service';
import { CompletionQuery, CompletionView, CreateCompletionDto, UpdateCompletionDto } from './dto/completion.dto';

@ApiTags('completions')
@ApiBearerAuth()
@Controller('api/completions')
export class CompletionsController {
  constructor(private readonly completions: CompletionsService) {}

  @Get()
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  list(@CurrentScope() scope: Scope, @Query() query: CompletionQuery): Promise<Page<CompletionView>> {
    return this.completions.list(scope, query);
  }

  @Get(':id')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<CompletionView> {
    return completionView(await this.completions.visible(scope, id));
  }

  @Post()
  @Allow('admin', 'coordinator')
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateCompletionDto): Promise<CompletionView> {
    return completionView(await this.completions.create(scope, dto));
  }

  @Patch(':id')
  @Allow('admin', 'coordinator')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateCompletionDto): Promise<CompletionView> {
    return completionView(await this.completions.update(scope, id, dto));
  }

  @Delete(':id')
  @Allow('admin', 'coordinator')
  @HttpCode(204)
  remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.completions.remove(scope, id);
  }
}
