import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { NamedAccessLog } from '../data-protection/named-access-log.service';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn, PageOf } from '../common/openapi';
import { Page } from '../common/paging';
import { CreateStaffDto, StaffQuery, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { StaffService, staffView } from './staff.service';

@ApiTags('staff')
@ApiSignedIn()
@ApiErrors({ forbidden: 'Your role cannot do this (viewers see figures only, not people)' })
@Controller('api/staff')
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  @Get()
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({ summary: 'List the people you can see', description: 'Current staff by default; filter by organisation (with everything below it), role or a search text. Paged.' })
  @ApiOkResponse({ type: PageOf(StaffView) })
  @ApiErrors({ badRequest: 'A filter or page number is not valid' })
  async list(@CurrentScope() scope: Scope, @Query() query: StaffQuery): Promise<Page<StaffView>> {
    const page = await this.staff.list(scope, query);
    // Whether a name was searched for is kept, never the words.
    this.accessLog.noteView(scope, {
      list: 'staff',
      format: 'json',
      filter: { organisation: query.organisation, role: query.role, status: query.status, search: query.search?.trim() ? true : undefined, page: page.page },
      rows: page.items.length,
      organisationCode: query.organisation,
    });
    return page;
  }

  @Get(':id')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @ApiOperation({ summary: "Read a person's record" })
  @ApiOkResponse({ type: StaffView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No person with that id in your organisations' })
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<StaffView> {
    return staffView(await this.staff.visible(scope, id));
  }

  @Post()
  @Allow('admin', 'coordinator')
  @ApiOperation({ summary: 'Add a person' })
  @ApiCreatedResponse({ type: StaffView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    unprocessable: 'An organisation, role or manager that does not exist, or an end date before the start date',
    conflict: 'The employee reference is already used in that employer',
  })
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateStaffDto): Promise<StaffView> {
    return staffView(await this.staff.create(scope, dto));
  }

  @Patch(':id')
  @Allow('admin', 'coordinator')
  @ApiOperation({ summary: "Change a person's record", description: 'Give only the fields to change. A leaver gets an endDate.' })
  @ApiOkResponse({ type: StaffView })
  @ApiErrors({
    badRequest: 'A field is not valid',
    notFound: 'No person with that id in your organisations',
    unprocessable: 'An organisation, role or manager that does not exist, a manager who reports to this person, or an end date before the start date',
    conflict: 'The employee reference is already used in that employer',
  })
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateStaffDto): Promise<StaffView> {
    return staffView(await this.staff.update(scope, id, dto));
  }

  /** Removes a person and their records entirely (e.g. entered by mistake); leavers get an endDate instead. */
  @Delete(':id')
  @Allow('admin', 'coordinator')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a person entered by mistake, with their records', description: 'Leavers are kept: give them an endDate instead.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No person with that id in your organisations' })
  remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.staff.remove(scope, id);
  }
}
