import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { formatUkDate } from '../common/dates';
import { OrganisationsService } from '../organisations/organisations.service';
import { CourseMappingsService } from './course-mappings.service';
import { ImportView } from './dto/import.dto';
import { FIELDS, HeaderMapping, ImportKind } from './import-columns';
import { CourseMappingFormDto, RoleRuleFormDto, UploadFormDto, withUploadedFile } from './dto/import-forms.dto';
import { ERRORS_SHOWN, ImportsService, UploadedSheet } from './imports.service';
import { RULE_EFFECTS, RULE_FIELDS, RULE_OPERATORS, RuleEffect, RuleField, RuleOperator } from './role-rule.entity';
import { RoleRulesService } from './role-rules.service';
import { MAX_UPLOAD_MB } from './upload';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { LevelsService } from '../levels/levels.service';
import { RolesService } from '../roles/roles.service';

const IMPORTERS = ['admin', 'coordinator'] as const;

/** The posted form (urlencoded, or multipart parsed by the page upload middleware). */
type PostedForm = Record<string, string | string[] | undefined>;

const text = (form: PostedForm, name: string): string => {
  const value = form[name];
  return (typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '').trim();
};

const KIND_NAMES: Record<ImportKind, string> = { staff: 'Staff list', completions: 'Training completions' };
const STATUS_TAGS: Record<string, { text: string; colour: string }> = {
  previewed: { text: 'Waiting for you to confirm', colour: 'govuk-tag--yellow' },
  importing: { text: 'Being imported', colour: 'govuk-tag--blue' },
  completed: { text: 'Imported', colour: 'govuk-tag--green' },
  failed: { text: 'Not imported', colour: 'govuk-tag--red' },
  cancelled: { text: 'Cancelled', colour: 'govuk-tag--grey' },
  interrupted: { text: 'Interrupted: nothing imported', colour: 'govuk-tag--red' },
};

const RULE_FIELD_NAMES: Record<RuleField, string> = {
  job_title: 'Job title',
  position: 'Position',
  staff_group: 'Staff group',
  department: 'Department',
  organisation: 'Organisation (code or name)',
};
const RULE_OPERATOR_NAMES: Record<RuleOperator, string> = { equals: 'is', contains: 'contains', starts_with: 'starts with' };
const RULE_EFFECT_NAMES: Record<RuleEffect, string> = { add: 'gives the role', remove: 'takes the role away' };

interface NewFormValues {
  kind: string;
  organisation: string;
  markLeavers: boolean;
  extractDate: string;
  course: string;
}

interface RuleFormValues {
  field: string;
  operator: string;
  value: string;
  roleCode: string;
  effect: string;
}


@ApiExcludeController()
@Controller('imports')
export class ImportsPagesController {
  constructor(
    private readonly imports: ImportsService,
    private readonly courses: CourseMappingsService,
    private readonly organisations: OrganisationsService,
    private readonly scopes: ScopeService,
    private readonly roleRules: RoleRulesService,
    private readonly levels: LevelsService,
    private readonly roles: RolesService,
  ) {}

  @Get()
  @Allow(...IMPORTERS)
  async index(@CurrentScope() scope: Scope, @Query('page') pageText: string | undefined, @Res() res: Response) {
    const page = Math.max(1, Number.parseInt(pageText ?? '1', 10) || 1);
    const result = await this.imports.list(scope, { page, pageSize: 50 });
    res.render('imports/index', {
      title: 'Imports',
      imports: result.items.map(listRow),
      total: result.total,
      previous: page > 1 ? `/imports?page=${page - 1}` : null,
      next: page < result.pages ? `/imports?page=${page + 1}` : null,
    });
  }

  @Get('new')
  @Allow(...IMPORTERS)
  async newForm(@CurrentScope() scope: Scope, @Query('kind') kind: string | undefined, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const values = { kind: kind === 'completions' ? 'completions' : kind === 'staff' ? 'staff' : '', organisation: '', markLeavers: false, extractDate: '', course: '' };
    res.render('imports/new', { ...(await this.newModel(scope, values)), ...NO_ERRORS });
  }

  /** The upload: the file was saved by the page upload middleware (so the CSRF field could be read first). */
  @Post('new')
  @Allow(...IMPORTERS)
  @OnFieldError<ImportsPagesController>('newAgain', { also: [404] })
  async upload(@CurrentScope() scope: Scope, @Req() req: Request, @FormBody(withUploadedFile) form: UploadFormDto, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const course = form.kind === 'completions' ? (form.course ?? '') : '';
    const { view } = await this.imports.upload(scope, form.kind, (req as Request & { file?: UploadedSheet }).file, {
      keep: true,
      organisation: form.organisation || undefined,
      markLeavers: form.kind === 'staff' && form.markLeavers === 'true',
      extractDate: form.kind === 'staff' ? form.extractDate : undefined,
      level: course.startsWith('level:') ? course.slice(6) : undefined,
      course: course !== '' && !course.startsWith('level:') ? course : undefined,
    });
    res.redirect(303, `/imports/${view.id}`);
  }

  @Get('course-mappings')
  @Allow(...IMPORTERS)
  async courseMappings(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Res() res: Response) {
    const flash = done === 'added' ? 'Course added' : done === 'removed' ? 'Course removed' : null;
    res.render('imports/course-mappings', { ...(await this.coursesModel(scope, { courseName: '', levelCode: '' }, flash)), ...NO_ERRORS });
  }

  /** A course name already listed (409) is said at the name; a level that does not exist (422) at the level. */
  @Post('course-mappings')
  @Allow(...IMPORTERS)
  @PartnershipWide()
  @OnFieldError<ImportsPagesController>('coursesAgain')
  async addCourseMapping(@CurrentScope() scope: Scope, @FormBody() form: CourseMappingFormDto, @Res() res: Response) {
    await this.courses.add(scope, form);
    res.redirect(303, '/imports/course-mappings?done=added');
  }

  @Post('course-mappings/:id/delete')
  @Allow(...IMPORTERS)
  @PartnershipWide()
  async removeCourseMapping(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await this.courses.remove(scope, id);
    res.redirect(303, '/imports/course-mappings?done=removed');
  }

  @Get('role-rules')
  @Allow(...IMPORTERS)
  async roleRulesPage(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Query('changed') changed: string | undefined, @Query('people') people: string | undefined, @Res() res: Response) {
    const flash =
      done === 'added' ? 'Rule added' : done === 'removed' ? 'Rule removed' : done === 'applied' ? `Rules applied to ${Number(people) || 0} people: ${Number(changed) || 0} had their roles changed` : null;
    res.render('imports/role-rules', { ...(await this.rulesModel(scope, { field: '', operator: '', value: '', roleCode: '', effect: 'add' }, flash)), ...NO_ERRORS });
  }

  /** The service's refusals (a role that does not exist) are said at the role. */
  @Post('role-rules')
  @Allow('admin')
  @PartnershipWide()
  @OnFieldError<ImportsPagesController>('rulesAgain')
  async addRoleRule(@CurrentScope() scope: Scope, @FormBody() form: RoleRuleFormDto, @Res() res: Response) {
    await this.roleRules.add(scope, { ...form, effect: form.effect ?? 'add' });
    res.redirect(303, '/imports/role-rules?done=added');
  }

  @Post('role-rules/apply')
  @Allow('admin')
  async applyRoleRules(@CurrentScope() scope: Scope, @Res() res: Response) {
    const result = await this.roleRules.applyToEveryone(scope, false);
    res.redirect(303, `/imports/role-rules?done=applied&people=${result.people}&changed=${result.changed}`);
  }

  @Post('role-rules/:id/delete')
  @Allow('admin')
  @PartnershipWide()
  async removeRoleRule(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await this.roleRules.remove(scope, id);
    res.redirect(303, '/imports/role-rules?done=removed');
  }

  @Get(':id')
  @Allow(...IMPORTERS)
  async show(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query('refused') refused: string | undefined, @Res() res: Response) {
    const view = await this.imports.get(scope, id);
    res.render('imports/show', await this.showModel(scope, view, refused === '1'));
  }

  @Post(':id/mapping')
  @Allow(...IMPORTERS)
  @OnFieldError<ImportsPagesController>('showAgain')
  async mapping(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: PostedForm, @Res() res: Response) {
    const view = await this.imports.get(scope, id);
    const mapping: HeaderMapping = {};
    (view.columns?.unrecognised ?? []).forEach((header, i) => {
      const field = text(form, `map-${i}`);
      if (field !== '') mapping[header] = field;
    });
    const organisationNames: HeaderMapping = {};
    view.unlinkedOrganisationNames.forEach((name, i) => {
      const code = text(form, `orgname-${i}`);
      if (code !== '') organisationNames[name] = code;
    });
    const headerRow = text(form, 'headerRow');
    await this.imports.remap(scope, id, {
      mapping,
      organisationNames,
      ...(headerRow !== '' ? { headerRow: Number.parseInt(headerRow, 10) } : {}),
    });
    res.redirect(303, `/imports/${id}`);
  }

  @Post(':id/confirm')
  @Allow(...IMPORTERS)
  async confirm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: PostedForm, @Res() res: Response) {
    const { refused } = await this.imports.confirm(scope, id, text(form, 'validRowsOnly') === 'true');
    res.redirect(303, `/imports/${id}${refused ? '?refused=1' : ''}`);
  }

  @Post(':id/cancel')
  @Allow(...IMPORTERS)
  async cancel(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await this.imports.cancel(scope, id);
    res.redirect(303, `/imports/${id}`);
  }

  /** The import's page again when a column mapping or organisation link is refused, the reason in its error summary. */
  async showAgain(req: PageRequest): Promise<FormPage> {
    const view = await this.imports.get(req.scope, Number(req.params.id));
    // The choices are a table of boxes: the summary says which, without a link.
    return { view: 'imports/show', model: await this.showModel(req.scope, view, false), order: ['headerRow'] };
  }

  /** The upload form again with what was chosen (a file has to be chosen again: browsers never keep one). */
  async newAgain(req: PageRequest): Promise<FormPage> {
    this.scopes.assertCanEditPeople(req.scope);
    const form = (req.body ?? {}) as PostedForm;
    const values: NewFormValues = {
      kind: text(form, 'kind'),
      organisation: text(form, 'organisation'),
      markLeavers: text(form, 'markLeavers') === 'true',
      extractDate: text(form, 'extractDate'),
      course: text(form, 'course'),
    };
    return {
      view: 'imports/new',
      model: await this.newModel(req.scope, values),
      order: ['kind', 'organisation', 'extractDate', 'course', 'file'],
      // The service names some choices otherwise: a level for "every row is this course", the columns of the file.
      anchors: { level: 'course', mapping: 'file', headerRow: 'file', organisationNames: 'organisation' },
      unnamed: 'file',
      unnamedAt: { 404: 'organisation' },
    };
  }

  async coursesAgain(req: PageRequest): Promise<FormPage> {
    const form = (req.body ?? {}) as PostedForm;
    const values = { courseName: text(form, 'courseName'), levelCode: text(form, 'levelCode') };
    return { view: 'imports/course-mappings', model: await this.coursesModel(req.scope, values, null), order: ['courseName', 'levelCode'], unnamed: 'courseName' };
  }

  async rulesAgain(req: PageRequest): Promise<FormPage> {
    const form = (req.body ?? {}) as PostedForm;
    const values: RuleFormValues = {
      field: text(form, 'field'),
      operator: text(form, 'operator'),
      value: text(form, 'value'),
      roleCode: text(form, 'roleCode'),
      effect: text(form, 'effect') || 'add',
    };
    const model = await this.rulesModel(req.scope, values, null);
    // The service checks the whole table, the new rule last: its refusal names that rule's place ("rules.3.roleCode").
    const place = (model.rules as unknown[]).length;
    return {
      view: 'imports/role-rules',
      model,
      order: ['field', 'operator', 'value', 'effect', 'roleCode'],
      anchors: { [`rules.${place}.roleCode`]: 'roleCode' },
      unnamed: 'roleCode',
    };
  }

  private async newModel(scope: Scope, values: NewFormValues): Promise<Record<string, unknown>> {
    const root = scope.rootOrganisationId;
    const organisations = await this.organisations.list(root === null ? undefined : [root]);
    const top = Math.min(...organisations.map((o) => o.depth));
    return {
      title: 'Upload a file',
      breadcrumbs: [{ text: 'Imports', href: '/imports' }],
      values,
      maxMb: MAX_UPLOAD_MB,
      organisationOptions: organisations.map((o) => ({
        value: o.code,
        text: `${'\u00a0\u00a0\u00a0'.repeat(o.depth - top)}${o.name} (${o.code})`,
        selected: o.code === values.organisation,
      })),
      staffColumns: FIELDS.staff.join(', '),
      completionColumns: FIELDS.completions.join(', '),
      ...(await this.courseOptions(scope, values.course)),
    };
  }

  /** "Every row is this course": the course names of the mappings, then the levels themselves. */
  private async courseOptions(scope: Scope, chosen: string) {
    const [courses, levels] = await Promise.all([this.courses.list(scope), this.levels.list()]);
    return {
      courseOptions: courses.map((c) => ({ value: c.courseName, text: `${c.courseName} (${c.levelCode})`, selected: c.courseName === chosen })),
      levelOptions: levels.map((l) => ({ value: `level:${l.code}`, text: `${l.code}: ${l.name}`, selected: `level:${l.code}` === chosen })),
    };
  }

  private async rulesModel(scope: Scope, values: RuleFormValues, flash: string | null): Promise<Record<string, unknown>> {
    const [rules, roles, everything] = await Promise.all([
      this.roleRules.list(scope),
      this.roles.list().then((all) => all.sort((a, b) => a.code.localeCompare(b.code))),
      this.scopes.coversEverything(scope),
    ]);
    const isAdmin = scope.actor?.role === 'admin';
    const option = (value: string, label: string, current: string) => ({ value, text: label, selected: value === current });
    return {
      title: 'Role rules',
      breadcrumbs: [{ text: 'Imports', href: '/imports' }],
      flash,
      rules: rules.map((r) => ({
        ...r,
        fieldName: RULE_FIELD_NAMES[r.field],
        operatorName: RULE_OPERATOR_NAMES[r.operator],
        effectName: RULE_EFFECT_NAMES[r.effect],
      })),
      canChange: isAdmin && everything,
      canApply: isAdmin,
      values,
      fieldOptions: RULE_FIELDS.map((f) => option(f, RULE_FIELD_NAMES[f], values.field)),
      operatorOptions: RULE_OPERATORS.map((o) => option(o, RULE_OPERATOR_NAMES[o], values.operator)),
      effectOptions: RULE_EFFECTS.map((e) => option(e, RULE_EFFECT_NAMES[e], values.effect)),
      roleOptions: roles.map((r) => option(r.code, `${r.code}: ${r.name}`, values.roleCode)),
    };
  }

  private async coursesModel(scope: Scope, values: { courseName: string; levelCode: string }, flash: string | null): Promise<Record<string, unknown>> {
    const [mappings, levels, canChange] = await Promise.all([
      this.courses.list(scope),
      this.levels.list(),
      this.scopes.coversEverything(scope),
    ]);
    return {
      title: 'Course names and levels',
      breadcrumbs: [{ text: 'Imports', href: '/imports' }],
      flash,
      mappings,
      canChange,
      values,
      levelOptions: levels.map((l) => ({ value: l.code, text: `${l.code}: ${l.name}`, selected: l.code === values.levelCode })),
    };
  }

  private async showModel(scope: Scope, view: ImportView, refused: boolean) {
    const c = view.counts;
    const kindName = KIND_NAMES[view.kind];
    const previewed = view.status === 'previewed';
    const mine = view.createdBy === scope.recordedBy;
    const fileProblem = Boolean(view.message);
    const validRows = c.created + c.updated + c.leavers;
    const countRows = [
      { key: 'Rows in the file', value: c.rows },
      { key: previewed ? (view.kind === 'staff' ? 'People to add' : 'Completions to add') : view.kind === 'staff' ? 'People added' : 'Completions added', value: c.created },
    ];
    if (view.kind === 'staff') {
      countRows.push({ key: previewed ? 'People to update' : 'People updated', value: c.updated });
      countRows.push({ key: 'Unchanged', value: c.unchanged });
      if (view.markLeavers) countRows.push({ key: previewed ? 'People to mark as leavers' : 'People marked as leavers', value: c.leavers });
      if (c.excluded > 0) countRows.push({ key: 'Left out: no longer in post and not in the tracker', value: c.excluded });
      if (view.roleChangeCount > 0) countRows.push({ key: previewed ? 'People whose roles are set or change' : 'People whose roles were set or changed', value: view.roleChangeCount });
    } else {
      countRows.push({ key: 'Duplicates skipped', value: c.duplicates });
      if (c.excluded > 0) countRows.push({ key: 'Left out: not completions (not started, in progress)', value: c.excluded });
    }
    countRows.push({ key: 'Rows with errors', value: c.errorRows });
    const columns = view.columns;
    const canMap = previewed && mine;
    const rowList = (rows: number[]) => (rows.length === 1 ? `row ${rows[0]}` : `rows ${rows.slice(0, -1).join(', ')} and ${rows[rows.length - 1]}`);
    const organisations = canMap && view.unlinkedOrganisationNames.length > 0 ? await this.organisations.list(scope.rootOrganisationId === null ? undefined : [scope.rootOrganisationId]) : [];
    return {
      title: `${kindName}: ${view.fileName}`,
      breadcrumbs: [{ text: 'Imports', href: '/imports' }],
      view,
      kindName,
      tag: STATUS_TAGS[view.status] ?? { text: view.status, colour: 'govuk-tag--grey' },
      when: whenText(view.createdAt),
      countRows,
      previewed,
      completed: view.status === 'completed',
      refused,
      canAct: previewed && mine,
      fileProblem,
      // Confirm outright when clean; otherwise offer the valid rows only (recorded as such).
      canConfirm: previewed && mine && !fileProblem && c.errorRows === 0 && c.rows > 0,
      canConfirmValidOnly: previewed && mine && !fileProblem && c.errorRows > 0 && validRows > 0,
      errorsShown: Math.min(view.errorCount, ERRORS_SHOWN),
      moreErrors: view.errorCount > ERRORS_SHOWN,
      errorsHref: `/api/imports/${view.id}/errors.csv`,
      mappingStep: previewed && mine && columns !== null && (columns.missing.length > 0 || columns.unrecognised.length > 0),
      missing: columns?.missing ?? [],
      unrecognised: (columns?.unrecognised ?? []).map((header, i) => ({
        header,
        name: `map-${i}`,
        options: (columns?.fields ?? []).map((f) => ({ value: f, text: f })),
      })),
      recognised: columns?.recognised ?? [],
      header: columns?.headerRow
        ? {
            row: columns.headerRow,
            given: columns.headerHow === 'given',
            above: columns.rowsAbove.length > 0 ? `${capitalise(rowList(columns.rowsAbove))} above ${columns.rowsAbove.length === 1 ? 'it was' : 'them were'} passed over (a report title or filters).` : null,
            labels: columns.labelRows.length > 0 ? `${capitalise(rowList(columns.labelRows))} only ${columns.labelRows.length === 1 ? 'repeats' : 'repeat'} the headers and ${columns.labelRows.length === 1 ? 'was' : 'were'} passed over.` : null,
            source: columns.source?.name ?? null,
            options: canMap ? columns.candidates.map((r) => ({ value: r.row, text: `Row ${r.row}: ${r.text}`, selected: r.row === columns.headerRow })) : [],
          }
        : null,
      extractDate: view.options.extractDate ? formatUkDate(view.options.extractDate) : null,
      everyRow: view.options.course ?? (view.options.level ? `level ${view.options.level}` : null),
      namesStep: canMap && view.unlinkedOrganisationNames.length > 0,
      unlinkedNames: view.unlinkedOrganisationNames.map((name, i) => ({
        name,
        field: `orgname-${i}`,
        options: organisations.map((o) => ({ value: o.code, text: `${o.name} (${o.code})` })),
      })),
      roleChanges: view.roleChanges.slice(0, 100).map((r) => ({ ...r, beforeText: r.before === null ? 'New person' : r.before.join(', ') || 'None', afterText: r.after.join(', ') || 'None' })),
      moreRoleChanges: view.roleChangeCount > Math.min(100, view.roleChanges.length) ? view.roleChangeCount : null,
    };
  }
}

function listRow(view: ImportView) {
  const tag = STATUS_TAGS[view.status] ?? { text: view.status, colour: 'govuk-tag--grey' };
  return {
    href: `/imports/${view.id}`,
    fileName: view.fileName,
    kindName: KIND_NAMES[view.kind],
    when: whenText(view.createdAt),
    createdBy: view.createdBy,
    tag,
    counts: view.counts,
    isStaff: view.kind === 'staff',
    errorCount: view.errorCount,
    errorsHref: view.errorCount > 0 ? `/api/imports/${view.id}/errors.csv` : null,
  };
}

/** "3 March 2026 at 14:05" in UK time, from the record's timestamp. */
function whenText(createdAt: string | null): string {
  if (!createdAt) return '';
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime())) return createdAt;
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(at);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return `${formatUkDate(day)} at ${time}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
