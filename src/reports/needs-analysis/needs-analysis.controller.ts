import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { NeedsAnalysisQuery, NeedsAnalysisView } from './needs-analysis.dto';
import { NeedsAnalysisService } from './needs-analysis.service';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports')
export class NeedsAnalysisController {
  constructor(private readonly needs: NeedsAnalysisService) {}

  /**
   * Needs analysis (DOMAIN.md "Report definitions"): per level required, met, pending, overdue,
   * lapsingInHorizon, demand; for L2 sessionsNeeded, trainersAvailable, trainersNeeded,
   * trainerShortfall. By child organisation, sector and role. Figures only, for every role.
   */
  @Get('needs-analysis')
  @AnySignedIn()
  @ApiOperation({ summary: 'Training needs analysis', description: 'Per level, who needs training now and who will lapse within the horizon; for WRAP, the sessions and trainers that means.' })
  @ApiOkResponse({ type: NeedsAnalysisView })
  @ApiErrors({ badRequest: 'The date, horizon, capacity or sessions per trainer is not valid', notFound: 'No organisation with that code among yours' })
  analyse(@CurrentScope() scope: Scope, @Query() query: NeedsAnalysisQuery): Promise<NeedsAnalysisView> {
    return this.needs.analyse(scope, query);
  }
}
