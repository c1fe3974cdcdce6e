import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ImpactFiguresQuery, ImpactFiguresView, SaveImpactFiguresDto } from './impact-figures.dto';
import { ImpactService } from './impact.service';

@ApiTags('reports')
@Controller('api/impact-figures')
export class ImpactController {
  constructor(private readonly impact: ImpactService) {}

  @Get()
  @Allow('admin', 'coordinator')
  @ApiOkResponse({ type: ImpactFiguresView, isArray: true, description: 'Figures entered for organisations in the subtree' })
  list(@CurrentScope() scope: Scope, @Query() query: ImpactFiguresQuery): Promise<ImpactFiguresView[]> {
    return this.impact.list(scope, query);
  }

  /** Creates or replaces one organisation's figures for one quarter. Counts only: no one's details. */
  @Put()
  @Allow('admin', 'coordinator')
  @ApiOkResponse({ type: ImpactFiguresView })
  save(@CurrentScope() scope: Scope, @Body() dto: SaveImpactFiguresDto): Promise<ImpactFiguresView> {
    return this.impact.save(scope, dto);
  }
}
