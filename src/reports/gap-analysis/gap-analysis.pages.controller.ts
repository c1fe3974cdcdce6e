import { Controller, Get, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { Allow, AnySignedIn } from '../../auth/allow.decorator';
import { NamedAccessLog } from '../../data-protection/named-access-log.service';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { displayOf } from '../../compliance/compliance.service';
import { Status, STATUSES } from '../../compliance/rules';
import { OrganisationsService } from '../../organisations/organisations.service';
import { SECTOR_NAMES } from '../../organisations/sectors';
import { RolesService } from '../../roles/roles.service';
import { pagination } from '../../staff/page-forms';
import { dateBoxes, dateMessage, type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { levelLabel, STATUS_WORDS } from '../shared/words';
import { sendCsv } from './gap-analysis.controller';
import { csvFileName, gapAnalysisCsv, hasTargets } from './gap-analysis.csv';
import { targetCell } from '../targets/rag-cells';
import type { LevelTargetView } from '../targets/targets.dto';
import { GapAnalysisQueryDto, GapAnalysisView, GapPeopleQueryDto, LevelFiguresView, MAX_WINDOW_DAYS } from './gap-analysis.dto';
import { renderPartial } from '../../common/view-helpers';
import { FIGURES_TTL_MS, RecentResults } from '../shared/recent-results';
import { GapAnalysisService, OVERDUE } from './gap-analysis.service';
import { gapPeopleFilter } from './gap-analysis.controller';

const FIGURE_STATUSES: Status[] = ['compliant', 'expiring', 'pending', 'expired', 'missing'];
/** Drawn tables kept (each some 120 KB for a partnership of 50 organisations a level). */
const TABLES_KEPT = 20;

/** The report form's fields in page order, and what each says when it is filled in wrongly. */
const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  asOf: dateMessage('Date'),
  window: { message: `Look-ahead must be a whole number of days from 0 to ${MAX_WINDOW_DAYS}` },
};

function query(params: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The rows of the page's tables: counts, each linking to the people behind it, and the compliance bars. */
function tableRows(report: GapAnalysisView, levelNames: Map<string, string>, canSeePeople: boolean) {
  const base = { organisation: report.organisation.code, asOf: report.asOf, window: report.windowDays };
  const peopleHref = (extra: Record<string, string | undefined>, level: string, statuses: Status[]) =>
    `/reports/gap-analysis/people${query({ ...base, level, status: statuses.join(','), ...extra })}`;
  // A row of a level table: counts, each linking to the people behind it, and the compliance bar.
  const row = (label: string, href: string | null, l: LevelFiguresView, scopeParams: Record<string, string | undefined>, target: LevelTargetView | undefined) => ({
    label,
    target: targetCell(target),
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
      row(`All of ${report.organisation.name}`, null, total, {}, report.targets?.[i]),
      ...report.byOrganisation.map((g) =>
        row(
          g.organisation.name,
          `/reports/gap-analysis${query({ ...base, organisation: g.organisation.code })}`,
          g.levels[i],
          { organisation: g.organisation.code },
          g.targets?.[i],
        ),
      ),
    ],
  }));
  const summaryTable = (groups: { label: string; levels: LevelFiguresView[]; targets?: LevelTargetView[]; params: Record<string, string> }[]) =>
    groups
      .filter((g) => g.levels.some((l) => l.required > 0))
      .map((g) => ({
        label: g.label,
        levels: g.levels.map((l, i) => ({
          target: targetCell(g.targets?.[i]),
          pct: l.compliancePct,
          required: l.required,
          overdue: l.overdue,
          overdueHref: canSeePeople && l.overdue > 0 ? peopleHref(g.params, l.level, OVERDUE) : null,
        })),
      }));
  return {
    levels,
    sectors: summaryTable(report.bySector.map((s) => ({ label: s.name, levels: s.levels, targets: s.targets, params: { sector: s.sector } }))),
    roles: summaryTable(report.byRole.map((r) => ({ label: r.role.name, levels: r.levels, targets: r.targets, params: { role: r.role.code } }))),
  };
}

@ApiExcludeController()
@Controller('reports/gap-analysis')
export class GapAnalysisPagesController {
  constructor(
    private readonly gapAnalysis: GapAnalysisService,
    private readonly roles: RolesService,
    private readonly accessLog: NamedAccessLog,
    private readonly organisations: OrganisationsService,
  ) {}

  /** The tables of recent views, drawn (gap-analysis-tables.hbs), by what they show. */
  private readonly recentTables = new RecentResults<string>(FIGURES_TTL_MS, TABLES_KEPT);

  @Get()
  @AnySignedIn()
  async index(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(GapAnalysisQueryDto, raw, FILTERS, ['csv']);
    const report = await this.gapAnalysis.report(scope, form.query);
    if (form.format === 'csv' && form.errors.errors.length === 0) {
      sendCsv(res, csvFileName('gap-analysis', report.organisation.code, report.asOf));
      res.send(gapAnalysisCsv(report));
      return;
    }
    const [choices, levelNames] = await Promise.all([this.organisations.choices(scope, report.organisation), this.gapAnalysis.levelNames()]);
    const canSeePeople = scope.canSeePeople;
    const withTargets = hasTargets(report);
    const levelHeadings = report.levels.map((l) => levelLabel(l.level, levelNames));
    // The tables are what the page shows of the figures; drawn once for the same figures, names,
    // targets and links (the key is all of them), as people look at the same report again and again.
    const key = createHash('sha256').update(JSON.stringify([report, [...levelNames], canSeePeople])).digest('base64');
    let tablesHtml = this.recentTables.get(key);
    if (tablesHtml === undefined) {
      tablesHtml = renderPartial('gap-analysis-tables', { ...tableRows(report, levelNames, canSeePeople), levelHeadings, withTargets, canSeePeople, statusNames: FIGURE_STATUSES.map((s) => STATUS_WORDS[s]) });
      this.recentTables.set(key, tablesHtml);
    }
    res.status(pageStatus(form.errors)).render('reports/gap-analysis', {
      title: 'Gap analysis',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Gap analysis' }],
      ...form.errors,
      asOfParts: dateBoxes(raw, 'asOf', form.refused('asOf'), report.asOf),
      windowText: form.refused('window') ? form.typed.window : String(report.windowDays),
      // The top of the scope and two levels below, as on the other reports (a deeper one is reached from the table's links).
      organisationOptions: choices.map((c) => ({ value: c.code, text: c.label, selected: c.code === report.organisation.code })),
      report,
      tablesHtml,
    });
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
    const [result, levelNames, roles] = await Promise.all([this.gapAnalysis.people(scope, dto), this.gapAnalysis.levelNames(), this.roles.list()]);
    const statuses = result.statuses;
    this.accessLog.noteView(scope, { list: 'gap-analysis-people', format: 'page', filter: gapPeopleFilter(result, dto), rows: result.items.length, organisationCode: result.organisation.code });
    const base = {
      organisation: result.organisation.code,
      level: result.level,
      status: statuses.join(','),
      role: dto.role,
      sector: dto.sector,
      asOf: result.asOf,
      window: result.windowDays,
    };
    const statusWords = statuses.map((s) => STATUS_WORDS[s].toLowerCase());
    const level = levelLabel(result.level, levelNames);
    return {
      title: `People ${statusWords.join(' or ')} for ${level}`,
      breadcrumbs: [
        { text: 'Home', href: '/' },
        { text: 'Reports', href: '/reports' },
        { text: 'Gap analysis', href: `/reports/gap-analysis${query({ organisation: base.organisation, asOf: base.asOf, window: base.window })}` },
        { text: 'People' },
      ],
      result,
      level,
      statusWords: statusWords.join(' or '),
      filters: {
        role: dto.role ? (roles.find((r) => r.code === dto.role)?.name ?? dto.role) : undefined,
        sector: dto.sector ? (SECTOR_NAMES[dto.sector as keyof typeof SECTOR_NAMES] ?? dto.sector) : undefined,
      },
      people: result.items.map((p) => ({ ...p, ...displayOf(p), statusText: STATUS_WORDS[p.status], href: `/staff/${p.id}` })),
      pagination: pagination(result.page, result.pages, (n) => `/reports/gap-analysis/people${query({ ...base, page: n, pageSize: dto.pageSize })}`),
      csvHref: `/api/reports/gap-analysis/people${query({ ...base, format: 'csv' })}`,
      otherStatuses: STATUSES.map((s) => ({
        text: STATUS_WORDS[s],
        href: `/reports/gap-analysis/people${query({ ...base, status: s })}`,
        current: statuses.length === 1 && statuses[0] === s,
      })),
    };
  }
}
