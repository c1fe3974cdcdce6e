import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { NeedsAnalysisQuery } from './needs-analysis.dto';
import { type NeedsAnalysis, NeedsAnalysisService } from './needs-analysis.service';

@ApiTags('reports')
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
  @ApiOkResponse({ description: 'levels, byOrganisation, bySector, byRole' })
  analyse(@CurrentScope() scope: Scope, @Query() query: NeedsAnalysisQuery): Promise<NeedsAnalysis> {
    return this.needs.analyse(scope, query);
  }
}
