import { Controller, Get, NotFoundException, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { FieldError } from '../../common/field-error';
import { NO_ERRORS } from '../../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../../common/form-page';
import { Allow } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { financialQuarter, type Quarter, quarterOf, todayIso } from '../../common/dates';
import { OrganisationsService } from '../../organisations/organisations.service';
import { lastEndedQuarter, quarterLabel, yearName } from '../quarterly/quarterly.service';
import { IMPACT_FORM_ORDER, ImpactFormDto } from './impact-form.dto';
import { ImpactFiguresQuery } from './impact-figures.dto';
import { CONCERN_SOURCE_NAMES, CONCERN_SOURCES, type ConcernSource } from './impact-figure.entity';
import { ImpactService } from './impact.service';

type Form = Record<string, unknown>;

class ImpactFormQuery extends ImpactFiguresQuery {
  @IsOptional()
  @IsIn(['saved'])
  done?: string;
}

const COUNT_FIELDS: { field: ConcernSource | 'channelReferrals'; label: string }[] = [
  ...CONCERN_SOURCES.map((s) => ({ field: s, label: CONCERN_SOURCE_NAMES[s] })),
  { field: 'channelReferrals', label: 'Channel referrals' },
];

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The form where coordinators enter a quarter's impact figures for an organisation: counts only. */
@ApiExcludeController()
@Controller('reports/impact')
export class ImpactPagesController {
  constructor(
    private readonly impact: ImpactService,
    private readonly scopes: ScopeService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  @Allow('admin', 'coordinator')
  async form(@CurrentScope() scope: Scope, @Query() q: ImpactFormQuery, @Res() res: Response): Promise<void> {
    const organisation = q.organisation ? await this.scopes.organisation(scope, q.organisation) : await this.scopes.defaultOrganisation(scope);
    const fallback = lastEndedQuarter();
    const year = q.year ?? fallback.year;
    const quarter = q.quarter ?? fallback.quarter;
    const existing = await this.impact.find(scope, organisation.code, year, quarter);
    const values: Form = { organisationCode: organisation.code, year: String(year), quarter: String(quarter), channelReferrals: String(existing?.channelReferrals ?? 0) };
    for (const s of CONCERN_SOURCES) values[s] = String(existing?.concerns[s] ?? 0);
    await this.render(res, scope, values, q.done === 'saved' ? `Impact figures saved for ${organisation.name}, ${quarterLabel({ year, quarter })}` : undefined, existing !== null);
  }

  @Post()
  @Allow('admin', 'coordinator')
  @OnFieldError<ImpactPagesController>('formAgain')
  async save(@CurrentScope() scope: Scope, @FormBody() form: ImpactFormDto, @Res() res: Response): Promise<void> {
    let saved;
    try {
      saved = await this.impact.save(scope, form.toSave());
    } catch (error) {
      // An organisation the account cannot see answers 404: said at the organisation, with the form kept.
      if (error instanceof NotFoundException) throw new FieldError('organisationCode', 'Choose the organisation the figures are for');
      throw error;
    }
    const params = new URLSearchParams({ organisation: saved.organisationCode, year: String(saved.year), quarter: String(saved.quarter), done: 'saved' });
    res.redirect(303, `/reports/impact?${params.toString()}`);
  }

  /** The form again, as posted, for the exception filter to show with its errors at their boxes. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const posted = req.body as Form;
    const values: Form = Object.fromEntries(IMPACT_FORM_ORDER.map((field) => [field, text(posted[field])]));
    return { view: 'reports/impact-form', model: await this.model(req.scope, values, undefined, false), order: IMPACT_FORM_ORDER, status: 422 };
  }

  private async render(res: Response, scope: Scope, values: Form, flash: string | undefined, replacing: boolean): Promise<void> {
    res.render('reports/impact-form', { ...(await this.model(scope, values, flash, replacing)), ...NO_ERRORS });
  }

  private async model(scope: Scope, values: Form, flash: string | undefined, replacing: boolean): Promise<Record<string, unknown>> {
    const current = quarterOf(todayIso()).year;
    const selectedYear = Number(values.year) || current;
    const code = text(values.organisationCode);
    const organisation = code ? await this.scopes.organisation(scope, code).catch(() => null) : null;
    // Everything entered for the quarter across the user's organisations, so gaps are easy to see.
    const quarter = Number(values.quarter);
    const entered = [1, 2, 3, 4].includes(quarter) ? await this.impact.list(scope, { year: selectedYear, quarter }) : [];
    return {
      title: 'Enter impact figures',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Impact figures' }],
      flash,
      values,
      replacing,
      organisations: await this.organisations.choices(scope, organisation ?? undefined),
      years: Array.from({ length: 10 }, (_, i) => current - i).map((y) => ({ value: String(y), label: yearName(y) })),
      quarters: [1, 2, 3, 4].map((q) => ({ value: String(q), label: `Q${q} (${['April to June', 'July to September', 'October to December', 'January to March'][q - 1]})` })),
      counts: COUNT_FIELDS.map((c) => ({ ...c, value: values[c.field] ?? '' })),
      entered,
      periodLabel: Number(values.quarter) ? quarterLabel({ year: selectedYear, quarter: Number(values.quarter) }) : '',
      reportHref: organisation ? `/reports/quarterly?${new URLSearchParams({ organisation: organisation.code, year: String(selectedYear), quarter: String(values.quarter) })}` : null,
    };
  }
}
