import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { ImpactFiguresQuery, ImpactFiguresView, SaveImpactFiguresDto } from './impact-figures.dto';
import { ImpactService } from './impact.service';

@ApiTags('reports')
@ApiSignedIn()
@ApiErrors({ forbidden: 'Only administrators and coordinators enter impact figures', notFound: 'No organisation with that code among yours' })
@Controller('api/impact-figures')
export class ImpactController {
  constructor(private readonly impact: ImpactService) {}

  @Get()
  @Allow('admin', 'coordinator')
  @ApiOperation({ summary: 'List the impact figures entered: concerns reported and Channel referrals', description: 'Counts only, per organisation and quarter, for an organisation and everything below it.' })
  @ApiOkResponse({ type: ImpactFiguresView, isArray: true, description: 'Figures entered for organisations in the subtree' })
  @ApiErrors({ badRequest: 'The year or quarter is not valid' })
  list(@CurrentScope() scope: Scope, @Query() query: ImpactFiguresQuery): Promise<ImpactFiguresView[]> {
    return this.impact.list(scope, query);
  }

  /** Creates or replaces one organisation's figures for one quarter. Counts only: no one's details. */
  @Put()
  @Allow('admin', 'coordinator')
  @ApiOperation({ summary: "Enter or replace an organisation's impact figures for a quarter", description: 'Counts only: never anyone\'s details.' })
  @ApiOkResponse({ type: ImpactFiguresView })
  @ApiErrors({ badRequest: 'A count is missing or not a whole number', unprocessable: 'The quarter has not started yet' })
  save(@CurrentScope() scope: Scope, @Body() dto: SaveImpactFiguresDto): Promise<ImpactFiguresView> {
    return this.impact.save(scope, dto);
  }
}
