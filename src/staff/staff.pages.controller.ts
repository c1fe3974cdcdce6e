import { Controller, Get, Param, ParseIntPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { NamedAccessLog } from '../data-protection/named-access-log.service';
import { type OrganisationInOrder, OrganisationsService } from '../organisations/organisations.service';
import { RolesService } from '../roles/roles.service';
import { CreateStaffDto, StaffQuery } from './dto/staff.dto';
import { DateParts, dateParts, list, pagination, partsOfIso, text } from './page-forms';
import type { PostedForm } from './page-forms';
import { FormErrors, NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { personLabel } from '../people/person-input';
import { Staff } from './staff.entity';
import { StaffService } from './staff.service';
import { StaffStatus, TRAINING_FILTERS } from './staff-status';
import { StaffListQuery } from './dto/staff-list-query';
import { STATUS_WORDS } from '../reports/shared/words';

/** Pages that show people: every role but viewers. Pages that change them: admins and coordinators. */
export const PEOPLE_READERS = ['admin', 'coordinator', 'manager', 'trainer'] as const;
export const PEOPLE_EDITORS = ['admin', 'coordinator'] as const;

const STATUS_OPTIONS = [
  { value: 'current', text: 'Current staff' },
  { value: 'leavers', text: 'Leavers' },
  { value: 'all', text: 'Everyone' },
];

/** The person form's fields in page order (the error summary follows it), and the inputs dates link to. */
const STAFF_FORM_ORDER = ['employeeRef', 'firstName', 'lastName', 'email', 'organisationCode', 'roleCodes', 'managerEmployeeRef', 'startDate', 'endDate'];
const STAFF_FORM_IDS = { startDate: 'startDate-day', endDate: 'endDate-day' };

/** What the person form shows: the text typed, and dates as their three parts. */
interface StaffFormValues {
  employeeRef: string;
  firstName: string;
  lastName: string;
  email: string;
  organisationCode: string;
  roleCodes: string[];
  managerEmployeeRef: string;
  startDate: DateParts;
  endDate: DateParts;
}

@ApiExcludeController()
@Controller('staff')
export class StaffPagesController {
  constructor(
    private readonly staff: StaffService,
    private readonly organisations: OrganisationsService,
    private readonly roles: RolesService,
    private readonly scopes: ScopeService,
    private readonly status: StaffStatus,
    private readonly accessLog: NamedAccessLog,
  ) {}

  @Get()
  @Allow(...PEOPLE_READERS)
  @Render('staff/index')
  async index(@CurrentScope() scope: Scope, @Query() query: StaffListQuery) {
    const levels = await this.status.levels();
    const level = levels.find((l) => l.code === query.level)?.code ?? levels[0]?.code ?? '';
    const training = query.training && level ? query.training : '';
    const [result, organisations, roles] = await Promise.all([
      // A training status is had by people in post today only: the gap analysis's people behind that figure.
      training ? this.status.list(scope, { ...query, level, training }) : this.staff.list(scope, query),
      this.visibleOrganisations(scope),
      this.roles.choices(),
    ]);
    const statuses = await this.status.statusesOf(result.items.map((p) => p.id));
    // Whether a name was searched for is kept, never the words.
    this.accessLog.noteView(scope, {
      list: 'staff',
      format: 'page',
      filter: { organisation: query.organisation, role: query.role, status: query.status, level: training ? level : undefined, training: training || undefined, search: query.search?.trim() ? true : undefined, page: result.page },
      rows: result.items.length,
      organisationCode: query.organisation,
    });
    const roleNames = new Map(roles.map((r) => [r.code, r.name]));
    const filters = {
      search: query.search?.trim() ?? '',
      organisation: query.organisation ?? '',
      role: query.role ?? '',
      status: query.status,
      ...(training ? { level, training } : {}),
    };
    const hrefFor = (page: number) => {
      const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
      if (query.pageSize !== 50) params.set('pageSize', String(query.pageSize));
      if (page > 1) params.set('page', String(page));
      return `/staff?${params}`;
    };
    const first = (result.page - 1) * result.pageSize + 1;
    return {
      title: 'Staff',
      filters,
      canEdit: scope.canEditPeople,
      organisationOptions: organisationOptions(organisations, filters.organisation),
      roleOptions: roles.map((r) => ({ value: r.code, text: r.name, selected: r.code === filters.role })),
      statusOptions: STATUS_OPTIONS.map((s) => ({ ...s, selected: s.value === filters.status })),
      levelOptions: levels.map((l) => ({ value: l.code, text: `${l.code} ${l.name}`, selected: l.code === level })),
      trainingOptions: TRAINING_FILTERS.map((t) => ({ value: t, text: t === 'overdue' ? 'Overdue (expired or missing)' : STATUS_WORDS[t], selected: t === training })),
      training,
      total: result.total,
      // Counting stops at 1,000 (staff.service.ts): "of more than 1,000 people".
      totalIsCapped: result.totalIsCapped ?? false,
      from: result.total === 0 ? 0 : first,
      to: Math.min(result.total, first + result.items.length - 1),
      filtered: Boolean(filters.search || filters.organisation || filters.role || filters.status !== 'current' || training),
      people: result.items.map((p) => ({
        href: `/staff/${p.id}`,
        name: `${p.firstName} ${p.lastName}`,
        employeeRef: p.employeeRef,
        organisationName: p.organisationName,
        roles: p.roleCodes.map((code) => roleNames.get(code) ?? code).join(', '),
        startDate: p.startDate,
        isLeaver: p.isLeaver,
        anonymised: p.anonymised,
        levels: statuses.get(p.id) ?? [],
      })),
      pagination: pagination(result.page, result.pages, hrefFor),
    };
  }

  @Get('new')
  @Allow(...PEOPLE_EDITORS)
  async newForm(@CurrentScope() scope: Scope, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const blank: StaffFormValues = {
      employeeRef: '', firstName: '', lastName: '', email: '', organisationCode: '', roleCodes: [], managerEmployeeRef: '',
      startDate: partsOfIso(null), endDate: partsOfIso(null),
    };
    await this.renderForm(res, 200, scope, null, blank, null);
  }

  @Post('new')
  @Allow(...PEOPLE_EDITORS)
  @OnFieldError<StaffPagesController>('formAgain')
  async create(@CurrentScope() scope: Scope, @FormBody() dto: CreateStaffDto, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.create(scope, { ...dto, roleCodes: dto.roleCodes ?? [] });
    res.redirect(303, `/staff/${person.id}?done=added`);
  }

  @Get(':id/edit')
  @Allow(...PEOPLE_EDITORS)
  async editForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.visible(scope, id);
    const values: StaffFormValues = {
      employeeRef: person.employeeRef,
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email ?? '',
      organisationCode: person.organisation.code,
      roleCodes: person.roles.map((r) => r.code),
      managerEmployeeRef: person.manager ? personLabel(person.manager) : '',
      startDate: partsOfIso(person.startDate),
      endDate: partsOfIso(person.endDate),
    };
    await this.renderForm(res, 200, scope, person, values, null);
  }

  @Post(':id/edit')
  @Allow(...PEOPLE_EDITORS)
  @OnFieldError<StaffPagesController>('formAgain')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() dto: CreateStaffDto, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    await this.staff.visible(scope, id);
    // Every box is on the form: no role ticked means none, an empty manager box means no manager.
    await this.staff.update(scope, id, { ...dto, roleCodes: dto.roleCodes ?? [], managerEmployeeRef: dto.managerEmployeeRef ?? null });
    res.redirect(303, `/staff/${id}?done=updated`);
  }

  /** The add or change form again, as posted, for the exception filter to show with its errors. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    this.scopes.assertCanEditPeople(req.scope);
    const person = req.params.id ? await this.staff.visible(req.scope, Number(req.params.id)) : null;
    return {
      view: 'staff/form',
      // A refusal naming no field is the employee reference already in use.
      unnamed: 'employeeRef',
      order: STAFF_FORM_ORDER,
      ids: STAFF_FORM_IDS,
      model: await this.formModel(req.scope, person, formValues(req.body as PostedForm)),
    };
  }


  private visibleOrganisations(scope: Scope): Promise<OrganisationInOrder[]> {
    return this.organisations.inTreeOrder(scope.rootOrganisationId);
  }

  private async renderForm(
    res: Response,
    status: number,
    scope: Scope,
    person: Staff | null,
    values: StaffFormValues,
    errors: FormErrors | null,
  ): Promise<void> {
    res.status(status).render('staff/form', { ...(await this.formModel(scope, person, values)), ...(errors ?? NO_ERRORS) });
  }

  private async formModel(scope: Scope, person: Staff | null, values: StaffFormValues): Promise<Record<string, unknown>> {
    const [organisations, roles] = await Promise.all([this.visibleOrganisations(scope), this.roles.list()]);
    const heading = person ? `Change ${person.firstName} ${person.lastName}’s details` : 'Add a person';
    const breadcrumbs = [{ text: 'Staff', href: '/staff' }];
    if (person) breadcrumbs.push({ text: `${person.firstName} ${person.lastName}`, href: `/staff/${person.id}` });
    return {
      title: heading,
      heading,
      breadcrumbs,
      action: person ? `/staff/${person.id}/edit` : '/staff/new',
      cancelHref: person ? `/staff/${person.id}` : '/staff',
      submitText: person ? 'Save changes' : 'Add person',
      values,
      organisationOptions: organisationOptions(organisations, values.organisationCode),
      roleOptions: roles.map((r, i) => ({
        id: i === 0 ? 'roleCodes' : `roleCodes-${i + 1}`,
        value: r.code,
        text: r.name,
        hint: r.description,
        checked: values.roleCodes.includes(r.code),
      })),
    };
  }
}

function formValues(form: PostedForm): StaffFormValues {
  return {
    employeeRef: text(form, 'employeeRef'),
    firstName: text(form, 'firstName'),
    lastName: text(form, 'lastName'),
    email: text(form, 'email'),
    organisationCode: text(form, 'organisationCode'),
    roleCodes: list(form, 'roleCodes'),
    managerEmployeeRef: text(form, 'managerEmployeeRef'),
    startDate: dateParts(form, 'startDate'),
    endDate: dateParts(form, 'endDate'),
  };
}

/** Select options in tree order, indented so the hierarchy reads in the list. */
export function organisationOptions(organisations: OrganisationInOrder[], selected: string) {
  return organisations.map((o) => ({
    value: o.code,
    text: `${'\u00a0\u00a0\u00a0'.repeat(o.depth)}${o.name} (${o.code})`,
    selected: o.code === selected,
  }));
}
