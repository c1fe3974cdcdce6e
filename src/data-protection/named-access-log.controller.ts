import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn, PageOf } from '../common/openapi';
import { Page } from '../common/paging';
import { NamedAccessQueryDto, NamedAccessView } from './named-access-log.dto';
import { NamedAccessLog } from './named-access-log.service';

@ApiTags('data protection')
@ApiSignedIn()
@Allow('admin')
@Controller('api/access-log')
export class NamedAccessLogController {
  constructor(private readonly log: NamedAccessLog) {}

  @Get()
  @ApiOperation({ summary: 'Who looked at named lists', description: 'Every view and download of a list of named people about your organisations, newest first: who, when, which list, its filter and how many people it named. Filter by account and days. Paged.' })
  @ApiOkResponse({ type: PageOf(NamedAccessView) })
  @ApiErrors({ badRequest: 'A filter or page number is not valid', forbidden: 'Only administrators can read who looked at named lists' })
  list(@CurrentScope() scope: Scope, @Query() query: NamedAccessQueryDto): Promise<Page<NamedAccessView>> {
    return this.log.list(scope, query);
  }
}
