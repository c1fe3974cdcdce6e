import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import { RolesService } from '../roles/roles.service';
import { CreateStaffDto, StaffQuery } from './dto/staff.dto';
import {
  DateParts,
  dateParts,
  FormErrors,
  FormFields,
  isoFromParts,
 
  list,
  pagination,
  partsOfIso,
  serviceError,
  text,
  validateForm,
} from './page-forms';
import type { PostedForm } from './page-forms';
import { NO_ERRORS } from '../common/form-errors';
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

/** The person form's fields, in page order, with the messages GOV.UK's patterns would use. */
const STAFF_FIELDS: FormFields = {
  employeeRef: { label: 'Employee reference', anchor: 'employeeRef', empty: 'Enter the employee reference', invalid: 'Employee reference must be 60 characters or fewer' },
  firstName: { label: 'First name', anchor: 'firstName', empty: 'Enter the first name', invalid: 'First name must be 100 characters or fewer' },
  lastName: { label: 'Last name', anchor: 'lastName', empty: 'Enter the last name', invalid: 'Last name must be 100 characters or fewer' },
  email: { label: 'Email address', anchor: 'email', invalid: 'Enter an email address in the correct format, like name@example.gov.uk' },
  organisationCode: { label: 'Organisation', anchor: 'organisationCode', empty: 'Choose an organisation', invalid: 'Choose an organisation from the list' },
  roleCodes: { label: 'Roles', anchor: 'roleCodes', invalid: 'Choose roles from the list' },
  managerEmployeeRef: { label: 'Manager', anchor: 'managerEmployeeRef', invalid: 'Enter the manager’s name or employee reference' },
  startDate: { label: 'Start date', anchor: 'startDate-day', empty: 'Enter the start date', invalid: 'Start date must be a real date, for example 2 9 2024' },
  endDate: { label: 'End date', anchor: 'endDate-day', invalid: 'End date must be a real date, for example 31 3 2026' },
};

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
      this.roles.list(),
    ]);
    const statuses = await this.status.statusesOf(result.items.map((p) => p.id));
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
  async create(@CurrentScope() scope: Scope, @Body() form: PostedForm, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const values = formValues(form);
    const checked = await this.check(scope, values);
    if (checked.errors) return this.renderForm(res, 400, scope, null, values, checked.errors);
    try {
      const person = await this.staff.create(scope, checked.dto);
      res.redirect(303, `/staff/${person.id}?done=added`);
    } catch (error) {
      const { status, errors } = serviceError(error, STAFF_FIELDS, 'employeeRef');
      await this.renderForm(res, status, scope, null, values, errors);
    }
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
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: PostedForm, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.visible(scope, id);
    const values = formValues(form);
    const checked = await this.check(scope, values);
    if (checked.errors) return this.renderForm(res, 400, scope, person, values, checked.errors);
    try {
      await this.staff.update(scope, id, checked.dto);
      res.redirect(303, `/staff/${id}?done=updated`);
    } catch (error) {
      const { status, errors } = serviceError(error, STAFF_FIELDS, 'employeeRef');
      await this.renderForm(res, status, scope, person, values, errors);
    }
  }


  private visibleOrganisations(scope: Scope): Promise<Organisation[]> {
    const root = scope.rootOrganisationId;
    return this.organisations.list(root === null ? undefined : [root]);
  }

  /** The API's DTO validation, plus: the organisation must be one this user can see. */
  private async check(scope: Scope, values: StaffFormValues): Promise<{ dto: CreateStaffDto; errors: FormErrors | null }> {
    const result = await validateForm(
      CreateStaffDto,
      { ...values, startDate: isoFromParts(values.startDate) ?? undefined, endDate: isoFromParts(values.endDate) },
      STAFF_FIELDS,
    );
    if (result.errors || !values.organisationCode) return result;
    const visible = await this.visibleOrganisations(scope);
    if (visible.some((o) => o.code === result.dto.organisationCode)) return result;
    const error = { field: 'organisationCode', href: '#organisationCode', text: STAFF_FIELDS.organisationCode.invalid! };
    return { dto: result.dto, errors: { errors: [error], errorFor: { organisationCode: error.text } } };
  }

  private async renderForm(
    res: Response,
    status: number,
    scope: Scope,
    person: Staff | null,
    values: StaffFormValues,
    errors: FormErrors | null,
  ): Promise<void> {
    const [organisations, roles] = await Promise.all([this.visibleOrganisations(scope), this.roles.list()]);
    const heading = person ? `Change ${person.firstName} ${person.lastName}’s details` : 'Add a person';
    const breadcrumbs = [{ text: 'Staff', href: '/staff' }];
    if (person) breadcrumbs.push({ text: `${person.firstName} ${person.lastName}`, href: `/staff/${person.id}` });
    res.status(status).render('staff/form', {
      title: heading,
      heading,
      breadcrumbs,
      action: person ? `/staff/${person.id}/edit` : '/staff/new',
      cancelHref: person ? `/staff/${person.id}` : '/staff',
      submitText: person ? 'Save changes' : 'Add person',
      values,
      ...(errors ?? NO_ERRORS),
      organisationOptions: organisationOptions(organisations, values.organisationCode),
      roleOptions: roles.map((r, i) => ({
        id: i === 0 ? 'roleCodes' : `roleCodes-${i + 1}`,
        value: r.code,
        text: r.name,
        hint: r.description,
        checked: values.roleCodes.includes(r.code),
      })),
    });
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
export function organisationOptions(organisations: Organisation[], selected: string) {
  const top = Math.min(...organisations.map((o) => o.depth));
  return organisations.map((o) => ({
    value: o.code,
    text: `${'\u00a0\u00a0\u00a0'.repeat(o.depth - top)}${o.name} (${o.code})`,
    selected: o.code === selected,
  }));
}
