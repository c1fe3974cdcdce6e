import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ComplianceService } from '../compliance/compliance.service';
import { BookingOffers } from '../sessions/booking-offers';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { todayIso } from '../common/dates';
import { LevelsService } from '../levels/levels.service';
import { NO_ERRORS } from '../common/form-errors';
import { DateParts, dateParts, FormErrors, FormFields, isoFromParts, serviceError, text, validateForm } from '../staff/page-forms';
import type { PostedForm } from '../staff/page-forms';
import { PEOPLE_EDITORS, PEOPLE_READERS } from '../staff/staff.pages.controller';
import { Staff } from '../staff/staff.entity';
import { StaffService } from '../staff/staff.service';
import { CompletionSource } from './completion.entity';
import { CompletionsService } from './completions.service';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { recorderNames } from './recorders';
import { CreateCompletionDto } from './dto/completion.dto';

export const SOURCE_NAMES: Record<CompletionSource, string> = {
  session: 'Training session',
  elearning: 'E-learning',
  manual: 'Entered by hand',
  external: 'External provider',
  import: 'Imported file',
};

/** Sources a person can choose on the form; sessions and imports record their own. */
const FORM_SOURCES: CompletionSource[] = ['elearning', 'external', 'manual'];

const COMPLETION_FIELDS: FormFields = {
  levelCode: { label: 'Level', anchor: 'levelCode', empty: 'Choose the level completed', invalid: 'Choose a level from the list' },
  completedOn: {
    label: 'Date completed',
    anchor: 'completedOn-day',
    empty: 'Enter the date the training was completed',
    invalid: 'Date completed must be a real date, for example 3 3 2026',
  },
  source: { label: 'How it was completed', anchor: 'source', empty: 'Choose how the training was completed', invalid: 'Choose how the training was completed' },
  evidence: { label: 'Evidence', anchor: 'evidence', invalid: 'Evidence must be 2,000 characters or fewer' },
};

/** Flash messages after a form, chosen by a fixed key so nothing from the address is shown as-is. */
const DONE: Record<string, string> = {
  added: 'Person added',
  updated: 'Changes saved',
  completion: 'Training recorded',
};

interface CompletionFormValues {
  levelCode: string;
  completedOn: DateParts;
  source: string;
  evidence: string;
}

/** A person's training record and recording a completion: these pages need both staff and completions. */
@ApiExcludeController()
@Controller('staff/:id')
export class CompletionsPagesController {
  constructor(
    private readonly staff: StaffService,
    private readonly completions: CompletionsService,
    private readonly levels: LevelsService,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceService,
    private readonly offers: BookingOffers,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Allow(...PEOPLE_READERS)
  @Render('staff/show')
  async show(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query('done') done?: string) {
    const person = await this.staff.visible(scope, id);
    const completions = await this.completions.forPerson(id);
    const recorder = await recorderNames(this.dataSource, completions.map((c) => c.recordedBy));
    const name = `${person.firstName} ${person.lastName}`;
    const complianceStatus = await this.compliance.statusSection(scope, id);
    return {
      title: name,
      flash: typeof done === 'string' ? DONE[done] : undefined,
      breadcrumbs: [{ text: 'Staff', href: '/staff' }],
      canEdit: scope.canEditPeople,
      complianceStatus,
      bookings: await this.offers.forRecord(scope, id, complianceStatus?.levels ?? []),
      person: {
        id: person.id,
        name,
        employeeRef: person.employeeRef,
        email: person.email,
        organisationName: person.organisation.name,
        organisationCode: person.organisation.code,
        organisationHref: `/staff?${new URLSearchParams({ organisation: person.organisation.code })}`,
        roles: [...person.roles].sort((a, b) => a.name.localeCompare(b.name)).map((r) => r.name),
        manager: person.manager ? { name: `${person.manager.firstName} ${person.manager.lastName}`, href: `/staff/${person.manager.id}` } : null,
        startDate: person.startDate,
        endDate: person.endDate,
        isLeaver: person.endDate !== null && person.endDate < todayIso(),
      },
      completions: completions.map((c) => ({
        levelCode: c.level.code,
        levelName: c.level.name,
        completedOn: c.completedOn,
        source: SOURCE_NAMES[c.source] ?? c.source,
        evidence: c.evidence,
        recordedBy: recorder(c.recordedBy),
      })),
    };
  }

  @Get('completions/new')
  @Allow(...PEOPLE_EDITORS)
  async newForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.visible(scope, id);
    await this.renderForm(res, 200, person, { levelCode: '', completedOn: { day: '', month: '', year: '' }, source: '', evidence: '' }, null);
  }

  @Post('completions/new')
  @Allow(...PEOPLE_EDITORS)
  async create(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() form: PostedForm, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.visible(scope, id);
    const values: CompletionFormValues = {
      levelCode: text(form, 'levelCode'),
      completedOn: dateParts(form, 'completedOn'),
      source: text(form, 'source'),
      evidence: text(form, 'evidence'),
    };
    const { dto, errors } = await validateForm(
      CreateCompletionDto,
      {
        employeeRef: person.employeeRef,
        // The person's own organisation settles a reference used by more than one employer.
        organisationCode: person.organisation.code,
        // An unticked radio or unchosen select is absent from the form, as it would be from an API call.
        levelCode: values.levelCode || undefined,
        completedOn: isoFromParts(values.completedOn) ?? undefined,
        source: values.source || undefined,
        evidence: values.evidence.trim() || null,
      },
      COMPLETION_FIELDS,
    );
    if (errors) return this.renderForm(res, 400, person, values, errors);
    try {
      await this.completions.create(scope, dto);
      res.redirect(303, `/staff/${id}?done=completion`);
    } catch (error) {
      const { status, errors: refused } = serviceError(error, COMPLETION_FIELDS, 'completedOn');
      await this.renderForm(res, status, person, values, refused);
    }
  }


  private async renderForm(res: Response, status: number, person: Staff, values: CompletionFormValues, errors: FormErrors | null) {
    const levels = await this.levels.list();
    const name = `${person.firstName} ${person.lastName}`;
    const heading = `Record training for ${name}`;
    res.status(status).render('staff/completion-form', {
      title: heading,
      heading,
      breadcrumbs: [
        { text: 'Staff', href: '/staff' },
        { text: name, href: `/staff/${person.id}` },
      ],
      action: `/staff/${person.id}/completions/new`,
      cancelHref: `/staff/${person.id}`,
      values,
      ...(errors ?? NO_ERRORS),
      levelOptions: levels.map((l, i) => ({
        id: i === 0 ? 'levelCode' : `levelCode-${i + 1}`,
        value: l.code,
        text: `${l.code}: ${l.name}`,
        checked: l.code === values.levelCode,
      })),
      sourceOptions: FORM_SOURCES.map((s) => ({ value: s, text: SOURCE_NAMES[s], selected: s === values.source })),
    });
  }
}
