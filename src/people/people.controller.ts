import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { PeopleSearchQuery, PersonSuggestionView } from './dto/people.dto';
import { PeopleService, SEARCH_LIMIT } from './people.service';

/** The search behind every person box (the autocomplete asks it as the user types). */
@ApiTags('people')
@ApiSignedIn()
@Controller('api/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({
    summary: 'Find people by name to choose them',
    description: `Up to ${SEARCH_LIMIT} people you may choose for the purpose whose names, employee reference or email start with the words typed, by last name.`,
  })
  @ApiOkResponse({ type: [PersonSuggestionView] })
  @ApiErrors({ badRequest: 'The search text or purpose is not valid', forbidden: 'Your role sees figures only, not people' })
  search(@CurrentScope() scope: Scope, @Query() query: PeopleSearchQuery): Promise<PersonSuggestionView[]> {
    return this.people.search(scope, query.q, query.purpose ?? 'see');
  }
}
