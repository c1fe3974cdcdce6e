import { Body, Controller, Get, HttpException, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { formErrors } from '../../common/form-errors';
import { Allow } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { financialQuarter, type Quarter, quarterOf, todayIso } from '../../common/dates';
import { OrganisationsService } from '../../organisations/organisations.service';
import { lastEndedQuarter, quarterLabel, yearName } from '../quarterly/quarterly.service';
import { ImpactFiguresQuery, SaveImpactFiguresDto } from './impact-figures.dto';
import { CONCERN_SOURCE_NAMES, CONCERN_SOURCES, type ConcernSource } from './impact-figure.entity';
import { ImpactService } from './impact.service';

type Form = Record<string, unknown>;

class ImpactFormQuery extends ImpactFiguresQuery {
  @IsOptional()
  @IsIn(['saved'])
  done?: string;
}
interface FieldError {
  field: string;
  text: string;
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
    await this.render(res, scope, values, [], q.done === 'saved' ? `Impact figures saved for ${organisation.name}, ${quarterLabel({ year, quarter })}` : undefined, existing !== null);
  }

  @Post()
  @Allow('admin', 'coordinator')
  async save(@CurrentScope() scope: Scope, @Body() form: Form, @Res() res: Response): Promise<void> {
    const { dto, errors } = dtoFrom(form);
    if (errors.length > 0) return this.render(res, scope, form, errors, undefined, false, 422);
    try {
      const saved = await this.impact.save(scope, dto);
      const params = new URLSearchParams({ organisation: saved.organisationCode, year: String(saved.year), quarter: String(saved.quarter), done: 'saved' });
      res.redirect(303, `/reports/impact?${params.toString()}`);
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      const field = error.getStatus() === 404 ? 'organisationCode' : 'quarter';
      await this.render(res, scope, form, [{ field, text: String((error.getResponse() as { message?: unknown }).message ?? error.message) }], undefined, false, error.getStatus());
    }
  }

  private async render(res: Response, scope: Scope, values: Form, errors: FieldError[], flash: string | undefined, replacing: boolean, status = 200): Promise<void> {
    const current = quarterOf(todayIso()).year;
    const selectedYear = Number(values.year) || current;
    const code = text(values.organisationCode);
    const organisation = code ? await this.scopes.organisation(scope, code).catch(() => null) : null;
    // Everything entered for the quarter across the user's organisations, so gaps are easy to see.
    const quarter = Number(values.quarter);
    const entered = [1, 2, 3, 4].includes(quarter) ? await this.impact.list(scope, { year: selectedYear, quarter }) : [];
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.text]));
    res.status(status).render('reports/impact-form', {
      title: 'Enter impact figures',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Impact figures' }],
      flash,
      ...formErrors(errors.map((e) => ({ field: e.field, message: e.text }))),
      values,
      replacing,
      organisations: await this.organisations.choices(scope, organisation ?? undefined),
      years: Array.from({ length: 10 }, (_, i) => current - i).map((y) => ({ value: String(y), label: yearName(y) })),
      quarters: [1, 2, 3, 4].map((q) => ({ value: String(q), label: `Q${q} (${['April to June', 'July to September', 'October to December', 'January to March'][q - 1]})` })),
      counts: COUNT_FIELDS.map((c) => ({ ...c, value: values[c.field] ?? '', error: byField[c.field] })),
      entered,
      periodLabel: Number(values.quarter) ? quarterLabel({ year: selectedYear, quarter: Number(values.quarter) }) : '',
      reportHref: organisation ? `/reports/quarterly?${new URLSearchParams({ organisation: organisation.code, year: String(selectedYear), quarter: String(values.quarter) })}` : null,
    });
  }
}

/** The form's fields as the API's DTO, with a message per field a person can act on. */
function dtoFrom(form: Form): { dto: SaveImpactFiguresDto; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const organisationCode = text(form.organisationCode);
  if (!organisationCode) errors.push({ field: 'organisationCode', text: 'Choose the organisation the figures are for' });
  const year = Number(text(form.year));
  if (!Number.isInteger(year) || year < 2000 || year > 2100) errors.push({ field: 'year', text: 'Choose the financial year' });
  const quarter = Number(text(form.quarter));
  if (![1, 2, 3, 4].includes(quarter)) errors.push({ field: 'quarter', text: 'Choose the quarter' });
  const counts: Record<string, number> = {};
  for (const { field, label } of COUNT_FIELDS) {
    const raw = text(form[field]);
    const value = Number(raw);
    const what = field === 'channelReferrals' ? 'Channel referrals' : `concerns from ${label.toLowerCase()}`;
    if (raw === '') errors.push({ field, text: `Enter the number of ${what} (0 if there were none)` });
    else if (!/^\d+$/.test(raw) || value > 100_000) errors.push({ field, text: `The number of ${what} must be a whole number, like 3` });
    counts[field] = value;
  }
  const dto = Object.assign(new SaveImpactFiguresDto(), {
    organisationCode,
    year,
    quarter,
    concerns: Object.fromEntries(CONCERN_SOURCES.map((s) => [s, counts[s]])),
    channelReferrals: counts.channelReferrals,
  });
  if (errors.length === 0 && financialQuarter(year, quarter as Quarter).start > todayIso()) {
    errors.push({ field: 'quarter', text: `${quarterLabel({ year, quarter })} has not started yet: choose a quarter that has begun` });
  }
  return { dto, errors };
}
