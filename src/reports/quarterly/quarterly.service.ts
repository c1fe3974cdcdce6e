/**
 * Quarterly take-up for the Prevent Working Group (Warwickshire 3.5) and the annual report (2.4),
 * as defined in DOMAIN.md "Report definitions". Take-up comes from quarterly-take-up.ts, compliance
 * % from the ComplianceFigures seam (the gap analysis), impact figures from the impact feature.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { ReadsOffMainThread } from '../../database/read-pool/reads-off-main-thread';
import { addDays, financialQuarter, type FinancialQuarter, previousQuarter, type Quarter, quarterOf, todayIso } from '../../common/dates';
import type { ImpactTotalsView } from '../impact/impact-figures.dto';
import { ImpactService } from '../impact/impact.service';
import type { LevelTarget } from '../targets/rag';
import type { Organisation } from '../../organisations/organisation.entity';
import { ComplianceFigures, type ComplianceGroups, type LevelCounts } from '../shared/compliance-figures';
import { type LevelRef, loadLevels, loadSubtree, meanOf, sectorName, sectorsInOrder, type Subtree } from '../shared/groups';
import { feedbackComments, figuresOf, type Period, type TakeUpFacts, type TakeUpFigures, type TakeUpGroup, type TakeUpPlace, TakeUpRows, takeUpRows, takeUpSums } from './quarterly-take-up';
import { dataVersion, REPORT_TABLES, TAKE_UP_TABLES } from '../../database/data-versions';
import { KEPT_ROWS, keptKey, RecentResults } from '../shared/recent-results';

export interface PeriodView {
  year: number;
  quarter: number;
  start: string;
  end: string;
}

/** One level's figures for a period, named as in DOMAIN.md. */
export interface LevelFigures extends TakeUpFigures {
  level: string;
  name: string;
  compliancePctAtEnd: number | null;
  compliancePctPreviousEnd: number | null;
  /** The target that applies and the status of compliancePctAtEnd against it (set by ReportTargets for the pages, API and downloads). */
  target?: LevelTarget;
}

export interface OrganisationFigures {
  code: string;
  name: string;
  sector: string;
  sectorName: string;
  /** True for the row of people and sessions directly in the chosen organisation, not in a child of it. */
  direct: boolean;
  levels: LevelFigures[];
}

export interface SectorFigures {
  sector: string;
  name: string;
  levels: LevelFigures[];
}

export interface TrendPoint {
  period: PeriodView;
  label: string;
  levels: { level: string; completions: number; peopleTrained: number; compliancePctAtEnd: number | null }[];
}

export interface FeedbackHighlights {
  responses: number;
  averageRating: number | null;
  /** Average confidence (1-5) before and after, among responses that answered both. */
  recogniseBefore: number | null;
  recogniseAfter: number | null;
  referBefore: number | null;
  referAfter: number | null;
  /** Latest comments (not shown to viewers, who see figures only). */
  comments: { level: string; rating: number; comment: string }[];
}

export interface OrganisationSummary {
  code: string;
  name: string;
  sector: string;
  sectorName: string;
}

export interface QuarterlyReport {
  organisation: OrganisationSummary;
  period: PeriodView;
  periodName: string;
  previousPeriod: PeriodView;
  /** False while the quarter is still running: figures so far, compliance % on its last day. */
  ended: boolean;
  asOf: string;
  levels: LevelFigures[];
  byOrganisation: OrganisationFigures[];
  bySector: SectorFigures[];
  /** The last four quarters, oldest first, ending with this one. */
  trend: TrendPoint[];
  feedback: FeedbackHighlights;
  impact: ImpactTotalsView;
}

export interface AnnualQuarter {
  period: PeriodView;
  label: string;
  ended: boolean;
  levels: LevelFigures[];
}

export interface AnnualReport {
  organisation: OrganisationSummary;
  year: number;
  yearName: string;
  start: string;
  end: string;
  ended: boolean;
  asOf: string;
  quarters: AnnualQuarter[];
  /** The whole year as one period: distinct people over the year, compliance % at its end against the previous year's end. */
  totals: LevelFigures[];
  byOrganisation: OrganisationFigures[];
  bySector: SectorFigures[];
  impact: (ImpactTotalsView & { label: string })[];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function yearName(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}

export function quarterLabel(p: { year: number; quarter: number }): string {
  return `Q${p.quarter} ${yearName(p.year)}`;
}

/** "Q3 2025/26 (October to December 2025)". */
export function quarterName(p: FinancialQuarter | PeriodView): string {
  const month = (iso: string) => MONTHS[Number(iso.slice(5, 7)) - 1];
  const start = month(p.start);
  const end = `${month(p.end)} ${p.end.slice(0, 4)}`;
  return `${quarterLabel(p)} (${start}${p.start.slice(0, 4) === p.end.slice(0, 4) ? '' : ` ${p.start.slice(0, 4)}`} to ${end})`;
}

function periodView(p: FinancialQuarter): PeriodView {
  return { year: p.year, quarter: p.quarter, start: p.start, end: p.end };
}

/** The last quarter that has ended on `today`. */
export function lastEndedQuarter(today: string = todayIso()): { year: number; quarter: Quarter } {
  const current = quarterOf(today);
  return previousQuarter(current.year, current.quarter);
}

@Injectable()
export class QuarterlyService {
  private readonly trends = new RecentResults<TrendPoint[]>(5 * 60_000, 200);
  private readonly years = new RecentResults<AnnualQuarter[]>(5 * 60_000, 200);
  /** Take-up rows by place and periods, kept like compliance figures: keyed on the change counters of what they read. */
  private readonly takeUps = new RecentResults<TakeUpRows>(10 * 60_000, 200, { of: (rows) => rows.size, most: KEPT_ROWS });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceFigures,
    private readonly impact: ImpactService,
  ) {}

  /** Take-up rows of the subtree over these periods, kept while the tables they read are unchanged (counters read first). */
  private async takeUp(rootId: number, periods: Period[]): Promise<TakeUpRows> {
    const m = this.dataSource.manager;
    const key = `${rootId}|${periods.map((p) => `${p.start}..${p.end}`).join(',')}|${await dataVersion(m, TAKE_UP_TABLES)}`;
    const kept = this.takeUps.get(key);
    if (kept) return kept;
    const rows = await takeUpRows(m, rootId, periods);
    this.takeUps.set(key, rows);
    return rows;
  }

  /** The organisation a report covers: the one asked for (404 outside the scope), else the top of the scope. */
  async organisationFor(scope: Scope, code: string | undefined): Promise<Organisation> {
    return code ? this.scopes.organisation(scope, code) : this.scopes.defaultOrganisation(scope);
  }

  @ReadsOffMainThread()
  async quarterly(scope: Scope, query: { organisation?: string; year?: number; quarter?: number }): Promise<QuarterlyReport> {
    const root = await this.organisationFor(scope, query.organisation);
    const today = todayIso();
    const { year, quarter } = quarterAsked(query, today);
    const m = this.dataSource.manager;
    // Read before the figures, so what the charts keep under it is never older than it.
    const version = await dataVersion(m, REPORT_TABLES);

    const quarters: FinancialQuarter[] = [financialQuarter(year, quarter)];
    while (quarters.length < 4) {
      const before = previousQuarter(quarters[0].year, quarters[0].quarter);
      quarters.unshift(financialQuarter(before.year, before.quarter));
    }
    const [subtree, levels] = await Promise.all([loadSubtree(m, root), loadLevels(m)]);
    const this_ = quarters.length - 1;
    const [rows, compliance, comments, impact] = await Promise.all([
      this.takeUp(root.id, quarters),
      this.compliance.countsOn(scope, subtree, quarters.map((q) => q.end)),
      scope.canSeePeople ? feedbackComments(m, root.id, quarters[this_], 5) : Promise.resolve([]),
      this.impact.totals(root.id, year, quarter, m),
    ]);
    const at = compliance[this_];
    const before = compliance[this_ - 1];

    const groups = groupsOf(subtree);
    const sum = takeUpSums(rows);
    const levelFigures = (include: TakeUpGroup | null, pick: (g: ComplianceGroups) => LevelCounts | undefined) =>
      levels.map((l) => figuresFor(l, sum(this_, l.id, include), pick(at), pick(before)));

    const feedbackTotal = levels.reduce((total, l) => addAll(total, rows.sum(this_, l.id)), null as TakeUpFacts | null)!;
    const levelCode = new Map(levels.map((l) => [l.id, l.code]));

    const report: QuarterlyReport = {
      organisation: summaryOf(subtree),
      period: periodView(quarters[this_]),
      periodName: quarterName(quarters[this_]),
      previousPeriod: periodView(quarters[this_ - 1]),
      ended: quarters[this_].end < today,
      asOf: today,
      levels: levelFigures(null, (g) => g.total),
      byOrganisation: groups.organisations
        .map((o) => ({ ...o, levels: levelFigures(o.include, (g) => g.byOrganisation.get(o.id)) }))
        .filter((o) => !o.direct || hasAnything(o.levels))
        .map(({ id: _id, include: _include, ...o }) => o),
      bySector: groups.sectors.map((s) => ({ sector: s.sector, name: s.name, levels: levelFigures(s.include, (g) => g.bySector.get(s.sector)) })),
      trend: quarters.map((q, i) => ({
        period: periodView(q),
        label: quarterLabel(q),
        levels: levels.map((l) => {
          const f = rows.sum(i, l.id);
          return { level: l.code, completions: f.completions, peopleTrained: f.peopleTrained, compliancePctAtEnd: compliance[i].total.get(l.code)?.compliancePct ?? null };
        }),
      })),
      feedback: {
        responses: feedbackTotal.feedbackCount,
        averageRating: meanOf(feedbackTotal.ratingSum, feedbackTotal.feedbackCount),
        recogniseBefore: meanOf(feedbackTotal.recogniseBeforeSum, feedbackTotal.recognisePairs),
        recogniseAfter: meanOf(feedbackTotal.recogniseAfterSum, feedbackTotal.recognisePairs),
        referBefore: meanOf(feedbackTotal.referBeforeSum, feedbackTotal.referPairs),
        referAfter: meanOf(feedbackTotal.referAfterSum, feedbackTotal.referPairs),
        comments: comments.map((c) => ({ level: levelCode.get(c.levelId) ?? '', rating: c.rating, comment: c.comment })),
      },
      impact,
    };
    this.trends.set(keptKey(scope, root.id, year, quarter, version), report.trend);
    return report;
  }

  /** The last four quarters' figures for the charts (kept for a few minutes after the page works them out). */
  async quarterlyTrend(scope: Scope, query: { organisation?: string; year?: number; quarter?: number }): Promise<TrendPoint[]> {
    const root = await this.organisationFor(scope, query.organisation);
    const { year, quarter } = quarterAsked(query, todayIso());
    const version = await dataVersion(this.dataSource, REPORT_TABLES);
    return this.trends.get(keptKey(scope, root.id, year, quarter, version)) ?? (await this.quarterly(scope, query)).trend;
  }

  /** The year's quarters for the charts (kept for a few minutes after the page works them out). */
  async annualQuarters(scope: Scope, query: { organisation?: string; year?: number }): Promise<AnnualQuarter[]> {
    const root = await this.organisationFor(scope, query.organisation);
    const year = query.year ?? quarterOf(todayIso()).year;
    const version = await dataVersion(this.dataSource, REPORT_TABLES);
    return this.years.get(keptKey(scope, root.id, year, version)) ?? (await this.annual(scope, query)).quarters;
  }

  @ReadsOffMainThread()
  async annual(scope: Scope, query: { organisation?: string; year?: number }): Promise<AnnualReport> {
    const root = await this.organisationFor(scope, query.organisation);
    const today = todayIso();
    const year = query.year ?? quarterOf(today).year;
    const m = this.dataSource.manager;
    // Read before the figures, so what the charts keep under it is never older than it.
    const version = await dataVersion(m, REPORT_TABLES);
    const quarters = ([1, 2, 3, 4] as Quarter[]).map((q) => financialQuarter(year, q));
    const whole = { start: quarters[0].start, end: quarters[3].end };
    const previousYearEnd = addDays(whole.start, -1);

    const [subtree, levels] = await Promise.all([loadSubtree(m, root), loadLevels(m)]);
    const [byQuarter, yearRows, compliance, impact] = await Promise.all([
      this.takeUp(root.id, quarters),
      this.takeUp(root.id, [whole]),
      this.compliance.countsOn(scope, subtree, [previousYearEnd, ...quarters.map((q) => q.end)]),
      Promise.all(quarters.map(async (q) => ({ ...(await this.impact.totals(root.id, year, q.quarter, m)), label: quarterLabel(q) }))),
    ]);
    const groups = groupsOf(subtree);
    const yearSum = takeUpSums(yearRows);
    const yearFigures = (include: TakeUpGroup | null, pick: (g: ComplianceGroups) => LevelCounts | undefined) =>
      levels.map((l) => figuresFor(l, yearSum(0, l.id, include), pick(compliance[4]), pick(compliance[0])));

    const report: AnnualReport = {
      organisation: summaryOf(subtree),
      year,
      yearName: yearName(year),
      start: whole.start,
      end: whole.end,
      ended: whole.end < today,
      asOf: today,
      quarters: quarters.map((q, i) => ({
        period: periodView(q),
        label: quarterLabel(q),
        ended: q.end < today,
        levels: levels.map((l) => figuresFor(l, byQuarter.sum(i, l.id), compliance[i + 1].total, compliance[i].total)),
      })),
      totals: yearFigures(null, (g) => g.total),
      byOrganisation: groups.organisations
        .map((o) => ({ ...o, levels: yearFigures(o.include, (g) => g.byOrganisation.get(o.id)) }))
        .filter((o) => !o.direct || hasAnything(o.levels))
        .map(({ id: _id, include: _include, ...o }) => o),
      bySector: groups.sectors.map((s) => ({ sector: s.sector, name: s.name, levels: yearFigures(s.include, (g) => g.bySector.get(s.sector)) })),
      impact,
    };
    this.years.set(keptKey(scope, root.id, year, version), report.quarters);
    return report;
  }
}

/** The quarter asked for; each part left out is that of the last quarter that has ended. */
export function quarterAsked(query: { year?: number; quarter?: number }, today: string): { year: number; quarter: Quarter } {
  const fallback = lastEndedQuarter(today);
  return { year: query.year ?? fallback.year, quarter: (query.quarter ?? fallback.quarter) as Quarter };
}

function addAll(into: TakeUpFacts | null, more: TakeUpFacts): TakeUpFacts {
  if (!into) return { ...more };
  for (const key of Object.keys(into) as (keyof TakeUpFacts)[]) into[key] += more[key];
  return into;
}

function figuresFor(level: LevelRef, facts: TakeUpFacts, atEnd: LevelCounts | undefined, previousEnd: LevelCounts | undefined): LevelFigures {
  return {
    level: level.code,
    name: level.name,
    ...figuresOf(facts),
    compliancePctAtEnd: atEnd?.get(level.code)?.compliancePct ?? null,
    compliancePctPreviousEnd: previousEnd?.get(level.code)?.compliancePct ?? null,
  };
}

function hasAnything(levels: LevelFigures[]): boolean {
  return levels.some((l) => l.completions > 0 || l.sessionsDelivered > 0 || l.compliancePctAtEnd !== null || l.compliancePctPreviousEnd !== null);
}

function summaryOf(subtree: Subtree): OrganisationSummary {
  const r = subtree.root;
  return { code: r.code, name: r.name, sector: r.sector, sectorName: sectorName(r.sector) };
}

/** The child organisations (and the root itself, for what sits directly in it) and the sectors present in the subtree. */
function groupsOf(subtree: Subtree) {
  // Two groupings of the take-up rows' places, each made once, so a grouping's sums are made together (takeUpSums).
  const byGroup = (place: TakeUpPlace) => place.child;
  const bySector = (place: TakeUpPlace) => place.sector;
  const inGroup = (groupId: number): TakeUpGroup => ({ by: byGroup, value: groupId });
  const organisations = [
    ...subtree.children.map((o) => ({ id: o.id, code: o.code, name: o.name, sector: o.sector, sectorName: sectorName(o.sector), direct: false, include: inGroup(o.id) })),
    {
      id: subtree.root.id,
      code: subtree.root.code,
      name: subtree.root.name,
      sector: subtree.root.sector,
      sectorName: sectorName(subtree.root.sector),
      direct: true,
      include: inGroup(subtree.root.id),
    },
  ];
  const present = new Set([...subtree.organisations.values()].map((o) => o.sector));
  const sectors = sectorsInOrder()
    .filter((s) => present.has(s.sector))
    .map(({ sector, name }) => ({ sector, name, include: { by: bySector, value: sector } as TakeUpGroup }));
  return { organisations, sectors };
}

