import { Controller, Get, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Allow, AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { isIsoDate } from '../../common/dates';
import { displayOf } from '../../compliance/compliance.service';
import { Status, STATUSES } from '../../compliance/rules';
import { pagination } from '../../staff/page-forms';
import { GapAnalysisQueryDto, GapPeopleQueryDto, LevelFiguresView, MAX_WINDOW_DAYS, SUPPORTED_YEARS } from './gap-analysis.dto';
import { GapAnalysisService, OVERDUE } from './gap-analysis.service';

type RawQuery = Record<string, string | string[] | undefined>;

interface PageError {
  text: string;
  href: string;
}

const FIGURE_STATUSES: Status[] = ['compliant', 'expiring', 'pending', 'expired', 'missing'];

/** The report form's date (three fields, GOV.UK date input) and window, with messages for the error summary. */
function readForm(raw: RawQuery) {
  const one = (k: string) => {
    const v = raw[k];
    return (Array.isArray(v) ? v[0] : (v ?? '')).trim();
  };
  const errors: PageError[] = [];
  const day = one('asOf-day');
  const month = one('asOf-month');
  const year = one('asOf-year');
  let asOf: string | undefined = one('asOf') || undefined;
  if (day || month || year) {
    const iso = /^\d{4}$/.test(year) && /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) ? `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` : '';
    asOf = iso;
  }
  if (asOf !== undefined && (!isIsoDate(asOf) || !SUPPORTED_YEARS.test(asOf))) {
    errors.push({ text: 'Date must be a real date between 1900 and 2199, for example 31 3 2026', href: '#asOf-day' });
    asOf = undefined;
  }
  const windowText = one('window');
  let window: number | undefined;
  if (windowText) {
    window = Number(windowText);
    if (!/^\d+$/.test(windowText) || window > MAX_WINDOW_DAYS) {
      errors.push({ text: `Look-ahead must be a whole number of days from 0 to ${MAX_WINDOW_DAYS}`, href: '#window' });
      window = undefined;
    }
  }
  const organisation = one('organisation') || undefined;
  return { errors, asOf, window, organisation, fields: { day, month, year, window: windowText } };
}

function query(params: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

@ApiExcludeController()
@Controller('reports/gap-analysis')
export class GapAnalysisPagesController {
  constructor(private readonly gapAnalysis: GapAnalysisService) {}

  @Get()
  @AnySignedIn()
  @Render('reports/gap-analysis')
  async index(@CurrentScope() scope: Scope, @Query() raw: RawQuery) {
    const form = readForm(raw);
    const choices = await this.gapAnalysis.organisationChoices(scope);
    const dto = Object.assign(new GapAnalysisQueryDto(), { organisation: form.organisation, asOf: form.asOf, window: form.window });
    const [report, levelNames] = await Promise.all([this.gapAnalysis.report(scope, dto), this.gapAnalysis.levelNames()]);
    const base = { organisation: report.organisation.code, asOf: report.asOf, window: report.windowDays };
    const canSeePeople = scope.canSeePeople;
    const peopleHref = (extra: Record<string, string | undefined>, level: string, statuses: Status[]) =>
      `/reports/gap-analysis/people${query({ ...base, level, status: statuses.join(','), ...extra })}`;
    // A row of a level table: counts, each linking to the people behind it, and the compliance bar.
    const row = (label: string, href: string | null, l: LevelFiguresView, scopeParams: Record<string, string | undefined>) => ({
      label,
      href,
      required: l.required,
      met: l.met,
      overdue: l.overdue,
      pct: l.compliancePct,
      barWidth: l.compliancePct === null ? 0 : Math.round(l.compliancePct),
      cells: FIGURE_STATUSES.map((status) => ({
        status,
        count: l[status],
        href: canSeePeople && l[status] > 0 ? peopleHref(scopeParams, l.level, [status]) : null,
      })),
      overdueHref: canSeePeople && l.overdue > 0 ? peopleHref(scopeParams, l.level, OVERDUE) : null,
    });
    const levels = report.levels.map((total, i) => ({
      code: total.level,
      name: levelNames.get(total.level) ?? total.level,
      rows: [
        row(`All of ${report.organisation.name}`, null, total, {}),
        ...report.byOrganisation.map((g) =>
          row(g.organisation.name, `/reports/gap-analysis${query({ ...base, organisation: g.organisation.code })}`, g.levels[i], {
            organisation: g.organisation.code,
          }),
        ),
      ],
    }));
    const summaryTable = (groups: { label: string; levels: LevelFiguresView[]; params: Record<string, string> }[]) =>
      groups
        .filter((g) => g.levels.some((l) => l.required > 0))
        .map((g) => ({
          label: g.label,
          levels: g.levels.map((l) => ({
            pct: l.compliancePct,
            required: l.required,
            overdue: l.overdue,
            overdueHref: canSeePeople && l.overdue > 0 ? peopleHref(g.params, l.level, OVERDUE) : null,
          })),
        }));
    return {
      title: 'Gap analysis',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Gap analysis' }],
      errors: form.errors,
      fields: {
        ...form.fields,
        day: form.fields.day || report.asOf.slice(8, 10),
        month: form.fields.month || report.asOf.slice(5, 7),
        year: form.fields.year || report.asOf.slice(0, 4),
        window: form.errors.some((e) => e.href === '#window') ? form.fields.window : String(report.windowDays),
      },
      organisationOptions: choices.map((c) => ({
        value: c.code,
        text: `${'– '.repeat(c.depth)}${c.name} (${c.code})`,
        selected: c.code === report.organisation.code,
      })),
      report,
      levelHeadings: report.levels.map((l) => l.level),
      levels,
      sectors: summaryTable(report.bySector.map((s) => ({ label: s.name, levels: s.levels, params: { sector: s.sector } }))),
      roles: summaryTable(report.byRole.map((r) => ({ label: r.role.name, levels: r.levels, params: { role: r.role.code } }))),
      csvHref: `/api/reports/gap-analysis${query({ ...base, format: 'csv' })}`,
      canSeePeople,
      statusNames: FIGURE_STATUSES.map((s) => displayOf({ status: s, dueOn: null }).statusText),
    };
  }

  @Get('people')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  @Render('reports/gap-analysis-people')
  async people(@CurrentScope() scope: Scope, @Query() raw: RawQuery) {
    const plain = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const dto = plainToInstance(GapPeopleQueryDto, { level: 'L1', ...plain });
    const problems = validateSync(dto, { whitelist: true });
    if (problems.length > 0) {
      // Anything odd in the address: fall back to what the figure links always carry.
      Object.assign(dto, { status: undefined, page: 1, pageSize: 50, sector: undefined, window: undefined, asOf: undefined, format: undefined });
    }
    const result = await this.gapAnalysis.people(scope, dto);
    const statuses = result.statuses;
    const base = {
      organisation: result.organisation.code,
      level: result.level,
      status: statuses.join(','),
      role: dto.role,
      sector: dto.sector,
      asOf: result.asOf,
      window: result.windowDays,
    };
    const statusWords = statuses.map((s) => displayOf({ status: s, dueOn: null }).statusText.toLowerCase());
    return {
      title: `People ${statusWords.join(' or ')} for ${result.level}`,
      breadcrumbs: [
        { text: 'Home', href: '/' },
        { text: 'Reports', href: '/reports' },
        { text: 'Gap analysis', href: `/reports/gap-analysis${query({ organisation: base.organisation, asOf: base.asOf, window: base.window })}` },
        { text: 'People' },
      ],
      result,
      statusWords: statusWords.join(' or '),
      filters: { role: dto.role, sector: dto.sector },
      people: result.items.map((p) => ({ ...p, ...displayOf(p), href: `/staff/${p.id}` })),
      pagination: pagination(result.page, result.pages, (n) => `/reports/gap-analysis/people${query({ ...base, page: n, pageSize: dto.pageSize })}`),
      csvHref: `/api/reports/gap-analysis/people${query({ ...base, format: 'csv' })}`,
      otherStatuses: STATUSES.map((s) => ({
        text: displayOf({ status: s, dueOn: null }).statusText,
        href: `/reports/gap-analysis/people${query({ ...base, status: s })}`,
        current: statuses.length === 1 && statuses[0] === s,
      })),
    };
  }
}
