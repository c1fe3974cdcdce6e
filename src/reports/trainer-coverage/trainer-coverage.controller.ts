import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { NamedAccessLog } from '../../data-protection/named-access-log.service';
import { trainerCoverageAccess } from './trainer-coverage.pages.controller';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { TrainerCoverageQuery, TrainerCoverageView } from './trainer-coverage.dto';
import { TrainerCoverageService } from './trainer-coverage.service';

@ApiTags('reports')
@ApiSignedIn()
@ApiErrors({ badRequest: 'The date is not valid', notFound: 'No organisation with that code among yours' })
@Controller('api/reports/trainer-coverage')
export class TrainerCoverageController {
  constructor(
    private readonly coverage: TrainerCoverageService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  /** Per child organisation: valid L3 trainers, sessions they delivered in 12 months, people trained. Counts only. */
  @Get()
  @AnySignedIn()
  @ApiOperation({ summary: 'Trainer coverage: trained WRAP trainers in each organisation', description: 'Per organisation below the chosen one: people holding a valid L3, the sessions they delivered in 12 months and the people they trained. Figures only.' })
  @ApiOkResponse({ type: TrainerCoverageView })
  counts(@CurrentScope() scope: Scope, @Query() query: TrainerCoverageQuery): Promise<TrainerCoverageView> {
    return this.coverage.coverage(scope, query, false);
  }

  /** The same with each organisation's trainers by name. Not for viewers (figures only). */
  @Get('trainers')
  @AnySignedIn()
  @ApiOperation({ summary: 'Trainer coverage with the trainers by name' })
  @ApiOkResponse({ type: TrainerCoverageView })
  @ApiErrors({ forbidden: 'Viewers see figures only, not names' })
  async named(@CurrentScope() scope: Scope, @Query() query: TrainerCoverageQuery): Promise<TrainerCoverageView> {
    const v = await this.coverage.coverage(scope, query, true);
    this.accessLog.noteView(scope, trainerCoverageAccess(v, 'json'));
    return v;
  }
}
