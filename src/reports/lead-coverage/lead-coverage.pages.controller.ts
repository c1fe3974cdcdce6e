import { Body, Controller, Get, HttpException, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ScopeService } from '../../access/scope.service';
import { Allow, AnySignedIn, PartnershipWide } from '../../auth/allow.decorator';
import { NamedAccessLog } from '../../data-protection/named-access-log.service';
import type { NamedAccess } from '../../data-protection/named-access-log.service';
import type { AccessFormat } from '../../data-protection/named-access-log.entity';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate } from '../../common/dates';
import { refusalText } from '../../common/field-error';
import { formErrors, NO_ERRORS } from '../../common/form-errors';
import { SECTOR_NAMES, SECTORS } from '../../organisations/sectors';
import { reportFile, type Sheet, sendFile } from '../shared/export-files';
import { dateBoxes, dateMessage, type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { LeadCoverageQuery, type LeadCoverageView, type LeadStatus } from './lead-coverage.dto';
import { LeadCoverageService } from './lead-coverage.service';
import { OrganisationsService } from '../../organisations/organisations.service';
import { RolesService } from '../../roles/roles.service';

const STATUS_TEXT: Record<LeadStatus, { text: string; tag: string }> = {
  covered: { text: 'Lead with valid L3', tag: 'govuk-tag--green' },
  'lead-without-valid-l3': { text: 'Lead’s L3 not valid', tag: 'govuk-tag--yellow' },
  'no-lead': { text: 'No named lead', tag: 'govuk-tag--red' },
};

function auditSheet(v: LeadCoverageView, named: boolean): Sheet {
  const base = [
    { header: 'Organisation', key: 'name', width: 36 },
    { header: 'Organisation code', key: 'code', width: 14 },
    { header: 'Sector', key: 'sectorName', width: 18 },
    { header: 'Status', key: 'status', width: 22 },
  ];
  if (!named) {
    return {
      name: 'Prevent lead coverage',
      columns: [...base, { header: 'Named leads', key: 'leads', kind: 'number' }, { header: 'Leads with valid L3', key: 'leadsWithValidL3', kind: 'number' }],
      rows: v.organisations.map((o) => ({ ...o, status: STATUS_TEXT[o.status].text })),
    };
  }
  return {
    name: 'Prevent lead coverage',
    columns: [
      ...base,
      { header: 'Lead', key: 'lead', width: 24 },
      { header: 'Employee reference', key: 'employeeRef', width: 14 },
      { header: 'Lead’s organisation', key: 'leadOrganisation', width: 30 },
      { header: 'Lead roles', key: 'roles', width: 16 },
      { header: 'Valid L3', key: 'validL3' },
      { header: 'L3 valid until', key: 'validUntil', width: 14 },
    ],
    rows: v.organisations.flatMap((o) => {
      const row = { ...o, status: STATUS_TEXT[o.status].text };
      if (!o.leadList?.length) return [row];
      return o.leadList.map((l) => ({
        ...row,
        lead: l.name,
        employeeRef: l.employeeRef,
        leadOrganisation: l.organisationName,
        roles: l.roles.join(' '),
        validL3: l.validL3,
        validUntil: l.validL3 ? (l.validUntil ?? 'never lapses') : '',
      }));
    }),
  };
}

/** A view or download of the leads by name, for the access log: one row per lead of each organisation. */
export function leadCoverageAccess(v: LeadCoverageView, format: AccessFormat): NamedAccess {
  const rows = v.organisations.reduce((n, o) => n + (o.leadList?.length ?? 0), 0);
  return { list: 'lead-coverage', format, filter: { organisation: v.organisation.code, asOf: v.asOf, sector: v.sector, depth: v.depth }, rows, organisationCode: v.organisation.code };
}

const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  asOf: dateMessage('Date'),
  sector: { message: 'Choose a sector from the list' },
  depth: { message: 'Choose which organisations from the list' },
};

/** Which organisations (e.g. every school) have a named Prevent lead holding a valid L3; CSV for the annual audit. */
@ApiExcludeController()
@Controller('reports/lead-coverage')
export class LeadCoveragePagesController {
  constructor(
    private readonly coverage: LeadCoverageService,
    private readonly scopes: ScopeService,
    private readonly organisations: OrganisationsService,
    private readonly roles: RolesService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  @Get()
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const named = scope.canSeePeople;
    const form = await readFilters(LeadCoverageQuery, raw, FILTERS, ['csv']);
    const v = await this.coverage.coverage(scope, form.query, named);
    if (form.format && form.errors.errors.length === 0) {
      if (named) await this.accessLog.recordDownload(scope, leadCoverageAccess(v, 'csv'));
      return sendAudit(res, v, named);
    }
    // Viewers see figures only: nothing named, nothing logged.
    if (named) this.accessLog.noteView(scope, leadCoverageAccess(v, 'page'));
    const roleNames = new Map((await this.roles.list()).map((r) => [r.code, r.name]));
    const nameOf = (code: string) => roleNames.get(code) ?? code;
    const rows = v.organisations.map((o) => ({
      ...o,
      leadList: o.leadList?.map((l) => ({ ...l, roles: l.roles.map(nameOf) })),
      statusText: STATUS_TEXT[o.status].text,
      statusTag: STATUS_TEXT[o.status].tag,
      highlight: o.status !== 'covered',
    }));
    res.status(pageStatus(form.errors)).render('reports/lead-coverage', {
      title: `Prevent lead coverage: ${v.organisation.name}`,
      ...form.errors,
      asOfParts: dateBoxes(raw, 'asOf', form.refused('asOf'), v.asOf),
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Prevent lead coverage' }],
      v,
      named,
      rows,
      missing: rows.filter((r) => r.highlight),
      asOfText: formatUkDate(v.asOf),
      leadRoles: v.roleCodes.map(nameOf),
      selection: [
        v.sector ? `${SECTOR_NAMES[v.sector as keyof typeof SECTOR_NAMES]} organisations` : 'Organisations',
        v.depth === null ? `anywhere in ${v.organisation.name}` : v.depth === 1 ? `directly in ${v.organisation.name}` : `${v.depth} levels below ${v.organisation.name}`,
      ].join(' '),
      canChangeRoles: scope.canEditFramework && (await this.scopes.coversEverything(scope)),
      organisations: await this.organisations.choices(scope, v.organisation),
      sectors: SECTORS.map((s) => ({ value: s, label: SECTOR_NAMES[s], selected: s === v.sector })),
      depths: [1, 2, 3, 4].map((d) => ({ value: String(d), label: d === 1 ? 'Directly below it' : `${d} levels below it`, selected: d === v.depth })),
    });
  }

  @Get('settings')
  @Allow('admin')
  @PartnershipWide()
  async settings(@Res() res: Response): Promise<void> {
    await this.renderSettings(res, await this.coverage.roleCodes(), null);
  }

  @Post('settings')
  @Allow('admin')
  @PartnershipWide()
  async saveSettings(@CurrentScope() scope: Scope, @Body() form: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const raw = form.roleCodes;
    const codes = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).map(String);
    if (codes.length === 0) return this.renderSettings(res, [], 'Choose at least one role that makes someone a Prevent lead', 422);
    try {
      await this.coverage.setRoleCodes(scope, codes);
      res.redirect(303, '/reports/lead-coverage');
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      await this.renderSettings(res, codes, refusalText(error), error.getStatus());
    }
  }

  private async renderSettings(res: Response, selected: string[], error: string | null, status = 200): Promise<void> {
    const roles = (await this.roles.list()).sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
    res.status(status).render('reports/lead-coverage-settings', {
      title: 'Who counts as a Prevent lead',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Prevent lead coverage', href: '/reports/lead-coverage' }, { text: 'Lead roles' }],
      // One problem, about the role checkboxes; the summary links to the first of them.
      ...(error ? formErrors([{ field: 'roleCodes', message: error }], {}, [], { roleCodes: 'roleCodes-0' }) : NO_ERRORS),
      roles: roles.map((r, i) => ({ ...r, id: `roleCodes-${i}`, checked: selected.includes(r.code) })),
    });
  }
}

/** The audit CSV lives beside the page at /reports/lead-coverage.csv. */
@ApiExcludeController()
@Controller('reports')
export class LeadCoverageCsvController {
  constructor(
    private readonly coverage: LeadCoverageService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  @Get('lead-coverage.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() q: LeadCoverageQuery, @Res() res: Response): Promise<void> {
    const named = scope.canSeePeople;
    const v = await this.coverage.coverage(scope, q, named);
    if (named) await this.accessLog.recordDownload(scope, leadCoverageAccess(v, 'csv'));
    await sendAudit(res, v, named);
  }
}

async function sendAudit(res: Response, v: LeadCoverageView, named: boolean): Promise<void> {
  sendFile(res, await reportFile('csv', `prevent-lead-coverage-${v.organisation.code}-${v.asOf}`, [auditSheet(v, named)], 'Prevent lead coverage'));
}
