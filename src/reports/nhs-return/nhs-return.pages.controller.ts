import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ScopeService } from '../../access/scope.service';
import { Allow, AnySignedIn, PartnershipWide } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate, quarterOf, todayIso } from '../../common/dates';
import { formErrors, NO_ERRORS } from '../../common/form-errors';
import { FormBody, type FormPage, OnFieldError, type PageRequest } from '../../common/form-page';
import { ComplianceService } from '../../compliance/compliance.service';
import { yearName } from '../quarterly/quarterly.service';
import { reportFile, sendFile } from '../shared/export-files';
import { type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { NhsMappingDto, NhsReturnQuery, type NhsReturnView } from './nhs-return.dto';
import { nhsSheet, nhsTable } from './nhs-return.presenter';
import { NhsReturnService } from './nhs-return.service';

const DOWNLOADS = ['csv', 'xlsx'] as const;
const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose a health organisation from the list' },
  year: { message: 'Choose a financial year from the list' },
};
const MAPPING_ORDER = ['basicLevels', 'wrapLevels'] as const;

export async function sendNhsReturn(res: Response, v: NhsReturnView, format: 'csv' | 'xlsx'): Promise<void> {
  sendFile(res, await nhsReturnFile(v, format));
}

export function nhsReturnFile(v: NhsReturnView, format: 'csv' | 'xlsx') {
  return reportFile(format, `nhs-prevent-return-${v.organisation.code}-${v.year}`, [nhsSheet(v)], `NHS Prevent quarterly return ${v.yearName}`);
}

/** The NHS return's page (form, preview table, downloads) and the administrators' mapping form. */
@ApiExcludeController()
@Controller('reports')
export class NhsReturnPagesController {
  constructor(
    private readonly nhs: NhsReturnService,
    private readonly compliance: ComplianceService,
    private readonly scopes: ScopeService,
  ) {}

  @Get('nhs-return')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(NhsReturnQuery, raw, FILTERS, DOWNLOADS);
    const choices = await this.nhs.healthOrganisations(scope);
    let errors = form.errors;
    let organisation = form.query.organisation;
    if (organisation && !choices.some((o) => o.code === organisation)) {
      // One outside the account's organisations answers 404 as everywhere; one of theirs outside health is a choice to correct.
      await this.scopes.organisation(scope, organisation);
      const problems = [{ field: 'organisation', message: FILTERS.organisation.message }, ...(form.refused('year') ? [{ field: 'year', message: FILTERS.year.message }] : [])];
      errors = formErrors(problems, {}, Object.keys(FILTERS));
      organisation = undefined;
    }
    const v = choices.length ? await this.nhs.nhsReturn(scope, { organisation, year: form.query.year }) : null;
    if (v && form.format && errors.errors.length === 0) return sendNhsReturn(res, v, form.format as 'csv' | 'xlsx');
    const levelNames = new Map((await this.compliance.framework()).levels.map((l) => [l.code, l.name]));
    const named = (codes: string[]) => codes.map((c) => `${c} ${levelNames.get(c) ?? ''}`.trim()).join(', ');
    const current = quarterOf(todayIso()).year;
    const selectedYear = v?.year ?? current;
    res.status(pageStatus(errors)).render('reports/nhs-return', {
      title: v ? `NHS Prevent quarterly return, ${v.yearName}: ${v.organisation.name}` : 'NHS Prevent quarterly return',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'NHS Prevent quarterly return' }],
      ...errors,
      v,
      table: v && v.quarters.length ? nhsTable(v) : null,
      basicLevels: v ? named(v.mapping.basic.levels) : '',
      wrapLevels: v ? named(v.mapping.wrap.levels) : '',
      organisations: choices.map((o) => ({ ...o, selected: o.code === v?.organisation.code })),
      years: Array.from({ length: 10 }, (_, i) => current - i).map((y) => ({ value: y, label: yearName(y), selected: y === selectedYear })),
      canChangeMapping: scope.canEditFramework && (await this.scopes.coversEverything(scope)),
      today: formatUkDate(todayIso()),
    });
  }

  @Get('nhs-return.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() q: NhsReturnQuery, @Res() res: Response): Promise<void> {
    await sendNhsReturn(res, await this.nhs.nhsReturn(scope, q), 'csv');
  }

  @Get('nhs-return.xlsx')
  @AnySignedIn()
  async xlsx(@CurrentScope() scope: Scope, @Query() q: NhsReturnQuery, @Res() res: Response): Promise<void> {
    await sendNhsReturn(res, await this.nhs.nhsReturn(scope, q), 'xlsx');
  }

  @Get('nhs-return/mapping')
  @Allow('admin')
  @PartnershipWide()
  async mappingForm(@Res() res: Response): Promise<void> {
    const m = await this.nhs.mapping();
    res.render('reports/nhs-return-mapping', { ...(await this.mappingModel(m.basic.levels, m.wrap.levels)), ...NO_ERRORS });
  }

  @Post('nhs-return/mapping')
  @Allow('admin')
  @PartnershipWide()
  @OnFieldError<NhsReturnPagesController>('mappingAgain')
  async saveMapping(@CurrentScope() scope: Scope, @FormBody() form: NhsMappingDto, @Res() res: Response): Promise<void> {
    await this.nhs.setMapping(scope, form.basicLevels, form.wrapLevels);
    res.redirect(303, '/reports/nhs-return');
  }

  /** The mapping form again, as posted, for the exception filter to show with its errors. */
  async mappingAgain(req: PageRequest): Promise<FormPage> {
    const posted = (req.body ?? {}) as Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
    return {
      view: 'reports/nhs-return-mapping',
      model: await this.mappingModel(list(posted.basicLevels), list(posted.wrapLevels)),
      order: MAPPING_ORDER,
      ids: { basicLevels: 'basicLevels-0', wrapLevels: 'wrapLevels-0' },
      status: 422,
    };
  }

  private async mappingModel(basic: string[], wrap: string[]) {
    const m = await this.nhs.mapping();
    const levels = (await this.compliance.framework()).levels;
    const boxes = (name: string, chosen: string[]) => levels.map((l, i) => ({ id: `${name}-${i}`, name, code: l.code, label: l.name, checked: chosen.includes(l.code) }));
    return {
      title: 'Levels in the NHS Prevent return',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'NHS Prevent quarterly return', href: '/reports/nhs-return' }, { text: 'Levels' }],
      basic: boxes('basicLevels', basic),
      wrap: boxes('wrapLevels', wrap),
      leadRoles: m.leadRoleCodes.join(', '),
    };
  }
}
