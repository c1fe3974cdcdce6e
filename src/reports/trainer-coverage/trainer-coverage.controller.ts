import { Controller, Get, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { TrainerCoverageQuery, TrainerCoverageView } from './trainer-coverage.dto';
import { TrainerCoverageService } from './trainer-coverage.service';

@ApiTags('reports')
@Controller('api/reports/trainer-coverage')
export class TrainerCoverageController {
  constructor(private readonly coverage: TrainerCoverageService) {}

  /** Per child organisation: valid L3 trainers, sessions they delivered in 12 months, people trained. Counts only. */
  @Get()
  @AnySignedIn()
  @ApiOkResponse({ type: TrainerCoverageView })
  counts(@CurrentScope() scope: Scope, @Query() query: TrainerCoverageQuery): Promise<TrainerCoverageView> {
    return this.coverage.coverage(scope, query, false);
  }

  /** The same with each organisation's trainers by name. Not for viewers (figures only). */
  @Get('trainers')
  @AnySignedIn()
  @ApiOkResponse({ type: TrainerCoverageView })
  @ApiForbiddenResponse({ description: 'Viewers see figures only' })
  named(@CurrentScope() scope: Scope, @Query() query: TrainerCoverageQuery): Promise<TrainerCoverageView> {
    return this.coverage.coverage(scope, query, true);
  }
}
