import { Controller, Get, Param, ParseIntPipe, Post, Query, Render, Res } from '@nestjs/common';
import { anonymisedNote } from '../data-protection/retention-words';
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
import { notFound } from '../common/http-errors';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { DateParts, dateParts, partsOfIso, text } from '../staff/page-forms';
import type { PostedForm } from '../staff/page-forms';
import { PEOPLE_EDITORS, PEOPLE_READERS } from '../staff/staff.pages.controller';
import { Staff } from '../staff/staff.entity';
import { StaffService } from '../staff/staff.service';
import { Completion, CompletionSource } from './completion.entity';
import { CompletionsService } from './completions.service';
import { CompletionCorrectionFormDto, CompletionFormDto, CompletionReasonDto } from './dto/completion.dto';

export const SOURCE_NAMES: Record<CompletionSource, string> = {
  session: 'Training session',
  elearning: 'E-learning',
  manual: 'Entered by hand',
  external: 'External provider',
  import: 'Imported file',
  evidence: 'Certificate sent by the person, checked',
};

/** Sources a person can choose on the form; sessions and imports record their own. */
const FORM_SOURCES: CompletionSource[] = ['elearning', 'external', 'manual'];

/** The completion form's fields in page order (the error summary follows it), and the input a date links to. */
const COMPLETION_FORM_ORDER = ['levelCode', 'completedOn', 'source', 'evidence', 'reason'];
const COMPLETION_FORM_IDS = { completedOn: 'completedOn-day' };

/** Flash messages after a form, chosen by a fixed key so nothing from the address is shown as-is. */
const DONE: Record<string, string> = {
  added: 'Person added',
  updated: 'Changes saved',
  completion: 'Training recorded',
  corrected: 'Training record corrected',
  deleted: 'Training record deleted',
  erased: 'Their personal details have been erased',
};

interface CompletionFormValues {
  levelCode: string;
  completedOn: DateParts;
  source: string;
  evidence: string;
  reason: string;
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
  ) {}

  @Get()
  @Allow(...PEOPLE_READERS)
  @Render('staff/show')
  async show(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query('done') done?: string) {
    const person = await this.staff.visible(scope, id);
    const completions = await this.completions.forPerson(id);
    const recorder = await this.completions.recorderNames(completions.map((c) => c.recordedBy));
    const name = `${person.firstName} ${person.lastName}`;
    const complianceStatus = await this.compliance.statusSection(scope, id);
    return {
      title: name,
      flash: typeof done === 'string' ? DONE[done] : undefined,
      breadcrumbs: [{ text: 'Staff', href: '/staff' }],
      canEdit: scope.canEditPeople,
      // A subject access request is answered by an administrator of the person's organisation (data protection).
      canDownloadData: scope.role === 'admin',
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
        anonymised: anonymisedNote(person.anonymisedAt, person.anonymisedReason),
      },
      // Erasure on request (src/data-protection): administrators, until the details are gone.
      canErase: scope.role === 'admin' && (person.anonymisedAt === null || person.anonymisedReason === 'erasure-trainer-name-kept'),
      completions: completions.map((c) => ({
        id: c.id,
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
    res.render('staff/completion-form', { ...(await this.formModel(person, null, blankValues())), ...NO_ERRORS });
  }

  @Post('completions/new')
  @Allow(...PEOPLE_EDITORS)
  @OnFieldError<CompletionsPagesController>('formAgain')
  async create(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: CompletionFormDto, @Res() res: Response) {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.visible(scope, id);
    // The person's own organisation settles a reference used by more than one employer.
    await this.completions.create(scope, { ...form, employeeRef: person.employeeRef, organisationCode: person.organisation.code });
    res.redirect(303, `/staff/${id}?done=completion`);
  }

  @Get('completions/:completionId/change')
  @Allow(...PEOPLE_EDITORS)
  async correctionForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Param('completionId', ParseIntPipe) completionId: number, @Res() res: Response) {
    const { person, completion } = await this.recordOf(scope, id, completionId);
    const values: CompletionFormValues = {
      levelCode: completion.level.code,
      completedOn: partsOfIso(completion.completedOn),
      source: completion.source,
      evidence: completion.evidence ?? '',
      reason: '',
    };
    res.render('staff/completion-form', { ...(await this.formModel(person, completion, values)), ...NO_ERRORS });
  }

  @Post('completions/:completionId/change')
  @Allow(...PEOPLE_EDITORS)
  @OnFieldError<CompletionsPagesController>('formAgain')
  async correct(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('completionId', ParseIntPipe) completionId: number,
    @FormBody() form: CompletionCorrectionFormDto,
    @Res() res: Response,
  ) {
    await this.recordOf(scope, id, completionId);
    await this.completions.update(scope, completionId, { ...form, evidence: form.evidence ?? null });
    res.redirect(303, `/staff/${id}?done=corrected`);
  }

  @Get('completions/:completionId/delete')
  @Allow(...PEOPLE_EDITORS)
  async deletePage(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Param('completionId', ParseIntPipe) completionId: number, @Res() res: Response) {
    const { person, completion } = await this.recordOf(scope, id, completionId);
    res.render('staff/completion-delete', { ...this.deleteModel(person, completion, ''), ...NO_ERRORS });
  }

  @Post('completions/:completionId/delete')
  @Allow(...PEOPLE_EDITORS)
  @OnFieldError<CompletionsPagesController>('deleteAgain')
  async remove(
    @CurrentScope() scope: Scope,
    @Param('id', ParseIntPipe) id: number,
    @Param('completionId', ParseIntPipe) completionId: number,
    @FormBody() form: CompletionReasonDto,
    @Res() res: Response,
  ) {
    await this.recordOf(scope, id, completionId);
    await this.completions.remove(scope, completionId, form.reason);
    res.redirect(303, `/staff/${id}?done=deleted`);
  }

  /** The record or correct form again, as posted, for the exception filter to show with its errors. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const id = Number(req.params.id);
    const completionId = req.params.completionId ? Number(req.params.completionId) : null;
    const { person, completion } = completionId ? await this.recordOf(req.scope, id, completionId) : { person: await this.staff.visible(req.scope, id), completion: null };
    const form = req.body as PostedForm;
    const values: CompletionFormValues = {
      levelCode: text(form, 'levelCode'),
      completedOn: dateParts(form, 'completedOn'),
      source: text(form, 'source'),
      evidence: text(form, 'evidence'),
      reason: text(form, 'reason'),
    };
    // A refusal naming no field is the same level on the same date already recorded.
    return { view: 'staff/completion-form', model: await this.formModel(person, completion, values), order: COMPLETION_FORM_ORDER, ids: COMPLETION_FORM_IDS, unnamed: 'completedOn' };
  }

  async deleteAgain(req: PageRequest): Promise<FormPage> {
    const { person, completion } = await this.recordOf(req.scope, Number(req.params.id), Number(req.params.completionId));
    return { view: 'staff/completion-delete', model: this.deleteModel(person, completion, text(req.body as PostedForm, 'reason')), order: ['reason'] };
  }

  /** A person the scope may change and one of their completions; 404 when either is not theirs to see. */
  private async recordOf(scope: Scope, id: number, completionId: number): Promise<{ person: Staff; completion: Completion }> {
    this.scopes.assertCanEditPeople(scope);
    const person = await this.staff.visible(scope, id);
    const completion = await this.completions.visible(scope, completionId);
    if (completion.staffId !== person.id) throw notFound('completion', completionId);
    return { person, completion };
  }

  private async formModel(person: Staff, completion: Completion | null, values: CompletionFormValues) {
    const levels = await this.levels.list();
    const name = `${person.firstName} ${person.lastName}`;
    const heading = completion ? `Correct ${name}’s ${completion.level.code} training record` : `Record training for ${name}`;
    const sources = completion && !FORM_SOURCES.includes(completion.source) ? [completion.source, ...FORM_SOURCES] : FORM_SOURCES;
    return {
      title: heading,
      heading,
      correcting: completion !== null,
      breadcrumbs: [
        { text: 'Staff', href: '/staff' },
        { text: name, href: `/staff/${person.id}` },
      ],
      action: completion ? `/staff/${person.id}/completions/${completion.id}/change` : `/staff/${person.id}/completions/new`,
      cancelHref: `/staff/${person.id}`,
      submitText: completion ? 'Save correction' : 'Save training',
      values,
      levelOptions: levels.map((l, i) => ({
        id: i === 0 ? 'levelCode' : `levelCode-${i + 1}`,
        value: l.code,
        text: `${l.code}: ${l.name}`,
        checked: l.code === values.levelCode,
      })),
      sourceOptions: sources.map((s) => ({ value: s, text: SOURCE_NAMES[s], selected: s === values.source })),
    };
  }

  private deleteModel(person: Staff, completion: Completion, reason: string) {
    const name = `${person.firstName} ${person.lastName}`;
    const heading = `Are you sure you want to delete ${name}’s ${completion.level.code} training record?`;
    return {
      title: heading,
      heading,
      breadcrumbs: [
        { text: 'Staff', href: '/staff' },
        { text: name, href: `/staff/${person.id}` },
      ],
      completion: { levelCode: completion.level.code, levelName: completion.level.name, completedOn: completion.completedOn, source: SOURCE_NAMES[completion.source], evidence: completion.evidence },
      action: `/staff/${person.id}/completions/${completion.id}/delete`,
      cancelHref: `/staff/${person.id}`,
      values: { reason },
    };
  }
}

function blankValues(): CompletionFormValues {
  return { levelCode: '', completedOn: partsOfIso(null), source: '', evidence: '', reason: '' };
}
