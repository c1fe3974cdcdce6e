import { applyDecorators, Body, Controller, Get, Header, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res, StreamableFile, UploadedFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiFile, ApiSignedIn, ErrorBody, PageOf } from '../common/openapi';
import { Page } from '../common/paging';
import { CourseMappingsService } from './course-mappings.service';
import {
  ApplyRoleRulesDto,
  ApplyRoleRulesView,
  ConfirmImportDto,
  CourseMappingView,
  ImportBodyDto,
  ImportListQuery,
  ImportOptionsDto,
  ImportUploadDto,
  ImportView,
  ReplaceCourseMappingsDto,
  ReplaceRoleRulesDto,
  RoleRuleView,
} from './dto/import.dto';
import { errorsCsv } from './errors-csv';
import type { ImportKind } from './import-columns';
import { ImportAnswer, ImportsService, UploadedSheet } from './imports.service';
import { RoleRulesService } from './role-rules.service';
import { MAX_UPLOAD_MB, SpreadsheetUpload } from './upload';

const IMPORTERS = ['admin', 'coordinator'] as const;

const IMPORTERS_ONLY = 'Only administrators and coordinators import files';
const UPLOADER_ONLY = 'Only administrators and coordinators, and only the person who uploaded the file, can confirm or cancel its import';
const NO_IMPORT = 'No import with that id among yours';

/** What an upload answers besides its 422 with the row errors. */
const UploadErrors = () =>
  applyDecorators(
    ApiErrors({
      badRequest: 'No file was sent (multipart field "file"), or an option, the mapping or the organisation names are not valid',
      notFound: 'No organisation with that code among yours',
    }),
    ApiPayloadTooLargeResponse({ type: ErrorBody, description: `The file is larger than ${MAX_UPLOAD_MB} MB: split it into smaller files` }),
    ApiResponse({ status: 507, type: ErrorBody, description: 'The server ran out of disk space: nothing from the file was written' }),
  );

@ApiTags('imports')
@ApiSignedIn()
@ApiErrors({ forbidden: IMPORTERS_ONLY })
@Controller('api/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly courses: CourseMappingsService,
    private readonly roleRules: RoleRulesService,
  ) {}

  @Post('staff')
  @Allow(...IMPORTERS)
  @SpreadsheetUpload()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiOperation({
    summary: 'Import a staff list (CSV or XLSX)',
    description:
      'Columns by header, any case: employee_ref, first_name, last_name, email, organisation_code, roles (codes separated by ;), ' +
      'manager_employee_ref, start_date, end_date. ?dryRun=true previews; ?keep=true records a preview to confirm later; otherwise the ' +
      'file is written in one transaction, or nothing is when a row has errors (422) unless validRowsOnly=true.',
  })
  @ApiResponse({ status: 200, type: ImportView, description: 'The preview (dryRun)' })
  @ApiResponse({ status: 201, type: ImportView, description: 'Imported, or a preview kept (keep=true)' })
  @ApiResponse({ status: 422, type: ImportView, description: 'Nothing imported: the row errors say why' })
  @UploadErrors()
  staff(
    @CurrentScope() scope: Scope,
    @UploadedFile() file: UploadedSheet | undefined,
    @Query() query: ImportOptionsDto,
    @Body() body: ImportBodyDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportView> {
    return this.upload('staff', scope, file, query, body, res);
  }

  @Post('completions')
  @Allow(...IMPORTERS)
  @SpreadsheetUpload()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiOperation({
    summary: 'Import training completions (CSV or XLSX), e.g. a learning platform export',
    description:
      'Columns: employee_ref or email; level_code or course_name (mapped to a level by the course mappings); completed_on; ' +
      'optional organisation_code and evidence. Duplicates (same person, level and date) are skipped and counted.',
  })
  @ApiResponse({ status: 200, type: ImportView })
  @ApiResponse({ status: 201, type: ImportView })
  @ApiResponse({ status: 422, type: ImportView })
  @UploadErrors()
  completions(
    @CurrentScope() scope: Scope,
    @UploadedFile() file: UploadedSheet | undefined,
    @Query() query: ImportOptionsDto,
    @Body() body: ImportBodyDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportView> {
    return this.upload('completions', scope, file, query, body, res);
  }

  @Get()
  @Allow(...IMPORTERS)
  @ApiOperation({ summary: 'Imports recorded, newest first', description: 'Kept previews, imports written and those refused, for your organisations. Paged; filter by kind.' })
  @ApiOkResponse({ type: PageOf(ImportView) })
  @ApiErrors({ badRequest: 'The kind or page number is not valid' })
  list(@CurrentScope() scope: Scope, @Query() query: ImportListQuery): Promise<Page<ImportView>> {
    return this.imports.list(scope, query);
  }

  // Declared before :id so that "course-mappings" is not taken for an id.
  @Get('course-mappings')
  @Allow(...IMPORTERS)
  @ApiOperation({ summary: 'Course names and the levels they count as' })
  @ApiOkResponse({ type: [CourseMappingView], description: 'By level, then course name' })
  courseMappings(@CurrentScope() scope: Scope): Promise<CourseMappingView[]> {
    return this.courses.list(scope);
  }

  @Put('course-mappings')
  @Allow(...IMPORTERS)
  @PartnershipWide()
  @ApiOperation({ summary: 'Replace the whole course mappings table' })
  @ApiOkResponse({ type: [CourseMappingView], description: 'The table as it now is' })
  @ApiErrors({
    badRequest: 'A course name or level code is missing or too long, or there are more than 1000 mappings',
    forbidden: 'Only administrators and coordinators for the whole partnership can change this: it is shared by everyone',
    unprocessable: 'A course name is given twice, or there is no level with a code given',
  })
  replaceCourseMappings(@CurrentScope() scope: Scope, @Body() dto: ReplaceCourseMappingsDto): Promise<CourseMappingView[]> {
    return this.courses.replace(scope, dto.mappings);
  }

  @Get('role-rules')
  @Allow(...IMPORTERS)
  @ApiOperation({ summary: 'The role rules: roles derived from HR columns on every staff import' })
  @ApiOkResponse({ type: [RoleRuleView], description: 'In table order, the order they apply in' })
  listRoleRules(@CurrentScope() scope: Scope): Promise<RoleRuleView[]> {
    return this.roleRules.list(scope);
  }

  @Put('role-rules')
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({
    summary: 'Replace the whole table of role rules',
    description:
      'Each rule: field (job_title, position, staff_group, department, organisation), operator (equals, contains, starts_with), value, roleCode, ' +
      'effect (add, the default, or remove). Compared ignoring case; organisation matches its code or its name.',
  })
  @ApiOkResponse({ type: [RoleRuleView], description: 'The table as it now is' })
  @ApiErrors({
    badRequest: 'A rule has a field, operator, value or effect that is not valid, or there are more than 500 rules',
    forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone',
    unprocessable: 'There is no role with a code given',
  })
  replaceRoleRules(@CurrentScope() scope: Scope, @Body() dto: ReplaceRoleRulesDto): Promise<RoleRuleView[]> {
    return this.roleRules.replace(scope, dto.rules);
  }

  @Post('role-rules/apply')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply the role rules again to everyone you can see (dryRun: only say what would change)' })
  @ApiOkResponse({ type: ApplyRoleRulesView, description: 'Who changed, or would' })
  @ApiErrors({ badRequest: 'dryRun is not true or false', forbidden: 'Only administrators apply the role rules' })
  applyRoleRules(@CurrentScope() scope: Scope, @Body() dto: ApplyRoleRulesDto): Promise<ApplyRoleRulesView> {
    return this.roleRules.applyToEveryone(scope, Boolean(dto.dryRun));
  }

  @Get(':id')
  @Allow(...IMPORTERS)
  @ApiOperation({ summary: 'Read an import: its counts, first row errors and columns', description: 'A kept preview, an import written, or one refused.' })
  @ApiOkResponse({ type: ImportView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: NO_IMPORT })
  get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<ImportView> {
    return this.imports.get(scope, id);
  }

  @Get(':id/errors.csv')
  @Allow(...IMPORTERS)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({ summary: 'The row errors of an import as CSV (row, column, value, reason)' })
  @ApiFile('text/csv', 'Every row error kept, a line each (a closing note when only the first were kept)')
  @ApiErrors({ badRequest: 'The id is not a number', notFound: NO_IMPORT })
  async errors(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const record = await this.imports.record(scope, id);
    res.setHeader('Content-Disposition', `attachment; filename="import-${record.id}-errors.csv"`);
    return new StreamableFile(Readable.from(errorsCsv(this.imports.errors(scope, id), this.imports.errorsNote(record))));
  }

  @Post(':id/confirm')
  @Allow(...IMPORTERS)
  @HttpCode(201)
  @ApiOperation({ summary: 'Write a kept preview (made with ?keep=true), checking the file again first' })
  @ApiResponse({ status: 201, type: ImportView })
  @ApiResponse({ status: 422, type: ImportView })
  @ApiErrors({
    badRequest: 'The id is not a number, or validRowsOnly is not true or false',
    forbidden: UPLOADER_ONLY,
    notFound: NO_IMPORT,
    conflict: 'The import is no longer a kept preview (it is being written, or was written, refused or cancelled), or its file is no longer kept: upload it again',
  })
  async confirm(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: ConfirmImportDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportView> {
    return answer(await this.imports.confirm(scope, id, Boolean(dto.validRowsOnly)), res);
  }

  @Post(':id/cancel')
  @Allow(...IMPORTERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop a kept preview and its file' })
  @ApiOkResponse({ type: ImportView, description: 'The import, now cancelled' })
  @ApiErrors({
    badRequest: 'The id is not a number',
    forbidden: UPLOADER_ONLY,
    notFound: NO_IMPORT,
    conflict: 'The import is no longer a kept preview (it is being written, or was written, refused or cancelled)',
  })
  cancel(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<ImportView> {
    return this.imports.cancel(scope, id);
  }

  private async upload(
    kind: ImportKind,
    scope: Scope,
    file: UploadedSheet | undefined,
    query: ImportOptionsDto,
    body: ImportBodyDto,
    res: Response,
  ): Promise<ImportView> {
    // Options may come in the query string or as multipart fields; the query wins when both are there.
    const options: ImportBodyDto = { ...body, ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) };
    const result = await this.imports.upload(scope, kind, file, options);
    if (options.dryRun && !result.refused) res.status(200);
    return answer(result, res);
  }
}

/** 422 with the full answer when nothing was written because of errors. */
function answer(result: ImportAnswer, res: Response): ImportView {
  if (result.refused) res.status(422);
  return result.view;
}
