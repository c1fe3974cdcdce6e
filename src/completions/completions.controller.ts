import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn, PageOf } from '../common/openapi';
import { Page } from '../common/paging';
import { CompletionsService, completionView } from './completions.service';
import { CompletionQuery, CompletionReasonDto, CompletionView, CreateCompletionDto, UpdateCompletionDto } from './dto/completion.dto';

@ApiTags('completions')
@ApiSignedIn()
@ApiErrors({ forbidden: 'Your role cannot do this (viewers see figures only, not people)' })
@Controller('api/completions')
export class CompletionsController {
  constructor(private readonly completions: CompletionsService) {}

  @Get()
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({ summary: 'List the training completions of the people you can see', description: 'Paged, newest first.' })
  @ApiOkResponse({ type: PageOf(CompletionView) })
  @ApiErrors({ badRequest: 'A filter or page number is not valid' })
  list(@CurrentScope() scope: Scope, @Query() query: CompletionQuery): Promise<Page<CompletionView>> {
    return this.completions.list(scope, query);
  }

  @Get(':id')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({ summary: 'Read a completion' })
  @ApiOkResponse({ type: CompletionView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No completion with that id for the people you can see' })
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<CompletionView> {
    return completionView(await this.completions.visible(scope, id));
  }

  @Post()
  @Allow('admin', 'coordinator')
  @ApiOperation({ summary: 'Record that someone completed a level' })
  @ApiCreatedResponse({ type: CompletionView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    unprocessable: 'No such person or level, or a date in the future',
    conflict: 'That person already has this level recorded on that date',
  })
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateCompletionDto): Promise<CompletionView> {
    return completionView(await this.completions.create(scope, dto));
  }

  @Patch(':id')
  @Allow('admin', 'coordinator')
  @ApiOperation({
    summary: 'Correct a completion: its level, date, how it was done or its evidence, saying why',
    description: 'Give only the fields to change, and the reason, which the audit log keeps beside the change.',
  })
  @ApiOkResponse({ type: CompletionView })
  @ApiErrors({
    badRequest: 'A field is not valid, or no reason is given',
    notFound: 'No completion with that id for the people you can see',
    unprocessable: 'No such level, or a date in the future',
    conflict: 'That person already has this level recorded on that date',
  })
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateCompletionDto): Promise<CompletionView> {
    return completionView(await this.completions.update(scope, id, dto));
  }

  @Delete(':id')
  @Allow('admin', 'coordinator')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a completion recorded by mistake, saying why',
    description: 'The body gives the reason, which the audit log keeps with the record as it was.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ badRequest: 'The id is not a number, or no reason is given', notFound: 'No completion with that id for the people you can see' })
  remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: CompletionReasonDto): Promise<void> {
    return this.completions.remove(scope, id, dto.reason);
  }
}
