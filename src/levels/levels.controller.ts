import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { LevelView, UpdateLevelDto } from './dto/level.dto';
import { LevelsService, levelView } from './levels.service';

@ApiTags('levels')
@Controller('api/levels')
export class LevelsController {
  constructor(private readonly levels: LevelsService) {}

  @Get()
  async list(): Promise<LevelView[]> {
    return (await this.levels.list()).map(levelView);
  }

  @Get(':code')
  async get(@Param('code') code: string): Promise<LevelView> {
    return levelView(await this.levels.getByCode(code));
  }

  @Patch(':code')
  async update(@Param('code') code: string, @Body() dto: UpdateLevelDto): Promise<LevelView> {
    return levelView(await this.levels.update(code, dto));
  }
}
