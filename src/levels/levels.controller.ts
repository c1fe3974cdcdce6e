import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../auth/allow.decorator';
import { LevelView, UpdateLevelDto } from './dto/level.dto';
import { LevelsService, levelView } from './levels.service';

@ApiTags('levels')
@ApiBearerAuth()
@Controller('api/levels')
export class LevelsController {
  constructor(private readonly levels: LevelsService) {}

  @Get()
  @AnySignedIn()
  async list(): Promise<LevelView[]> {
    return (await this.levels.list()).map(levelView);
  }

  @Get(':code')
  @AnySignedIn()
  async get(@Param('code') code: string): Promise<LevelView> {
    return levelView(await this.levels.getByCode(code));
  }

  @PartnershipWide()
  @Allow('admin')
  @Patch(':code')
  async update(@Param('code') code: string, @Body() dto: UpdateLevelDto): Promise<LevelView> {
    return levelView(await this.levels.update(code, dto));
  }
}
