import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Page } from '../common/paging';
import { CompletionsService, completionView } from './completions.service';
import { CompletionQuery, CompletionView, CreateCompletionDto, UpdateCompletionDto } from './dto/completion.dto';

@ApiTags('completions')
@Controller('api/completions')
export class CompletionsController {
  constructor(private readonly completions: CompletionsService) {}

  @Get()
  list(@Query() query: CompletionQuery): Promise<Page<CompletionView>> {
    return this.completions.list(query);
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number): Promise<CompletionView> {
    return completionView(await this.completions.get(id));
  }

  @Post()
  async create(@Body() dto: CreateCompletionDto): Promise<CompletionView> {
    return completionView(await this.completions.create(dto));
  }

  @Patch(':id')
  async update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateCompletionDto): Promise<CompletionView> {
    return completionView(await this.completions.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.completions.remove(id);
  }
}
