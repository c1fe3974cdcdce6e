import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ScopeService } from '../access/scope.service';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { formatUkDate } from '../common/dates';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { RemoveOverrideFormDto, RetentionOverrideFormDto, RetentionYearsDto } from './dto/retention.dto';
import { RetentionPolicyService } from './retention-policy.service';
import { yearsText } from './retention-words';
import { RetentionService } from './retention.service';

const DONE: Record<string, string> = {
  partnership: 'The partnership’s retention period has been saved.',
  override: 'The organisation’s retention period has been saved.',
  removed: 'The organisation now keeps its leavers as the organisations above it do.',
};

const BREADCRUMBS = [{ text: 'Admin', href: '/admin' }];

interface PolicyValues {
  /** Which form was posted and refused, so its errors are shown at it alone. */
  form?: 'partnership' | 'override';
  years: string;
  organisationCode: string;
  overrideYears: string;
}

const posted = (req: PageRequest, name: string): string => {
  const value = ((req.body ?? {}) as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
};

/** The retention policy's pages: the periods, who a run now would anonymise, and the run itself. */
@ApiExcludeController()
@Controller('data-protection/retention')
export class RetentionPagesController {
  constructor(
    private readonly policy: RetentionPolicyService,
    private readonly retention: RetentionService,
    private readonly scopes: ScopeService,
  ) {}

  @Get()
  @Allow('admin')
  async page(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Res() res: Response): Promise<void> {
    const model = await this.policyModel(scope, { years: '', organisationCode: '', overrideYears: '' });
    res.render('data-protection/retention', { ...model, flash: typeof done === 'string' ? DONE[done] : undefined, ...NO_ERRORS });
  }

  @Post('partnership')
  @Allow('admin')
  @PartnershipWide()
  @OnFieldError<RetentionPagesController>('partnershipAgain')
  async savePartnership(@CurrentScope() scope: Scope, @FormBody() form: RetentionYearsDto, @Res() res: Response): Promise<void> {
    await this.policy.setDefaultYears(scope, form.years);
    res.redirect(303, '/data-protection/retention?done=partnership');
  }

  async partnershipAgain(req: PageRequest): Promise<FormPage> {
    return { view: 'data-protection/retention', model: await this.policyModel(req.scope, { form: 'partnership', years: posted(req, 'years'), organisationCode: '', overrideYears: '' }), order: ['years'] };
  }

  @Post('overrides')
  @Allow('admin')
  @OnFieldError<RetentionPagesController>('overrideAgain')
  async saveOverride(@CurrentScope() scope: Scope, @FormBody() form: RetentionOverrideFormDto, @Res() res: Response): Promise<void> {
    await this.policy.setOverride(scope, form.organisationCode, form.years);
    res.redirect(303, '/data-protection/retention?done=override');
  }

  async overrideAgain(req: PageRequest): Promise<FormPage> {
    const values: PolicyValues = { form: 'override', years: '', organisationCode: posted(req, 'organisationCode'), overrideYears: posted(req, 'years') };
    return { view: 'data-protection/retention', model: await this.policyModel(req.scope, values), order: ['organisationCode', 'years'], anchors: { years: 'overrideYears' } };
  }

  @Post('overrides/remove')
  @Allow('admin')
  @OnFieldError<RetentionPagesController>('removeAgain')
  async removeOverride(@CurrentScope() scope: Scope, @FormBody() form: RemoveOverrideFormDto, @Res() res: Response): Promise<void> {
    await this.policy.setOverride(scope, form.organisationCode, null);
    res.redirect(303, '/data-protection/retention?done=removed');
  }

  async removeAgain(req: PageRequest): Promise<FormPage> {
    return { view: 'data-protection/retention', model: await this.policyModel(req.scope, { years: '', organisationCode: '', overrideYears: '' }), unnamed: 'overrides' };
  }

  @Get('due')
  @Allow('admin')
  async due(@CurrentScope() scope: Scope, @Query('ran') ran: string | undefined, @Res() res: Response): Promise<void> {
    const view = await this.retention.dryRun(scope);
    const count = Number(ran);
    res.render('data-protection/retention-due', {
      title: 'Who retention would anonymise now',
      breadcrumbs: [...BREADCRUMBS, { text: 'Retention', href: '/data-protection/retention' }],
      flash: typeof ran === 'string' && Number.isInteger(count) && count >= 0 ? `Retention run finished: ${count === 1 ? '1 person' : `${count} people`} anonymised.` : undefined,
      view,
      todayText: formatUkDate(view.today),
      people: view.people.map((p) => ({ ...p, endDateText: formatUkDate(p.endDate), period: yearsText(p.years), href: `/staff/${p.id}` })),
      more: view.total > view.shown,
    });
  }

  @Get('run')
  @Allow('admin')
  async confirmRun(@CurrentScope() scope: Scope, @Res() res: Response): Promise<void> {
    const view = await this.retention.dryRun(scope, new Date(), 0);
    res.render('data-protection/retention-run', {
      title: 'Run retention now',
      breadcrumbs: [...BREADCRUMBS, { text: 'Retention', href: '/data-protection/retention' }, { text: 'Who would be anonymised', href: '/data-protection/retention/due' }],
      total: view.total,
      byPeriod: view.byPeriod,
    });
  }

  @Post('run')
  @Allow('admin')
  async run(@CurrentScope() scope: Scope, @Res() res: Response): Promise<void> {
    const result = await this.retention.run(scope, 'manual');
    res.redirect(303, `/data-protection/retention/due?ran=${result.people}`);
  }

  private async policyModel(scope: Scope, values: PolicyValues) {
    const policy = await this.policy.policy(scope);
    return {
      title: 'Retention of leavers’ personal details',
      breadcrumbs: BREADCRUMBS,
      policy,
      defaultText: yearsText(policy.defaultYears),
      canSetPartnership: await this.scopes.coversEverything(scope),
      overrides: policy.overrides.map((o, i) => ({ ...o, period: yearsText(o.years), setOn: formatUkDate(o.setAt.slice(0, 10)), formId: `remove-${i}` })),
      values,
    };
  }
}
