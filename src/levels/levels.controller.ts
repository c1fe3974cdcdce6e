import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../auth/allow.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { LevelView, UpdateLevelDto } from './dto/level.dto';
import { LevelsService, levelView } from './levels.service';

@ApiTags('levels')
@ApiSignedIn()
@Controller('api/levels')
export class LevelsController {
  constructor(private readonly levels: LevelsService) {}

  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'List the training levels', description: 'L1 awareness e-learning, L2 WRAP, L3 train the trainer, with how long each stays valid.' })
  @ApiOkResponse({ type: [LevelView] })
  async list(): Promise<LevelView[]> {
    return (await this.levels.list()).map(levelView);
  }

  @Get(':code')
  @AnySignedIn()
  @ApiOperation({ summary: 'Read a training level' })
  @ApiOkResponse({ type: LevelView })
  @ApiErrors({ notFound: 'No level with that code' })
  async get(@Param('code') code: string): Promise<LevelView> {
    return levelView(await this.levels.getByCode(code));
  }

  @PartnershipWide()
  @Allow('admin')
  @Patch(':code')
  @ApiOperation({ summary: "Change a level's name or how long it stays valid" })
  @ApiOkResponse({ type: LevelView })
  @ApiErrors({ badRequest: 'A field is not valid', forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone', notFound: 'No level with that code' })
  async update(@Param('code') code: string, @Body() dto: UpdateLevelDto): Promise<LevelView> {
    return levelView(await this.levels.update(code, dto));
  }
}
