/**
 * Compliance % at each quarter end over a run of UK financial quarters (the last eight by default),
 * per level, for the organisation as a whole and per child organisation or per sector. Every
 * figure is the gap analysis's own on that quarter end (ComplianceFigures: GapAnalysisService's
 * several-dates path, one statement for all the dates); nothing here applies the rules. Past
 * quarter ends take roles and organisations as they are now, as the gap analysis does.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ScopeService } from '../../access/scope.service';
import type { Scope } from '../../auth/scope';
import { financialQuarter, type FinancialQuarter, previousQuarter, type Quarter, quarterOf, todayIso } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import type { Counts } from '../../compliance/rules';
import { lastEndedQuarter, quarterLabel } from '../quarterly/quarterly.service';
import { ComplianceFigures, type LevelCounts } from '../shared/compliance-figures';
import { loadLevels, loadSubtree, sectorsInOrder } from '../shared/groups';
import { ragView } from '../targets/rag';
import { type AppliedTarget, TargetsService } from '../targets/targets.service';
import {
  DEFAULT_TREND_QUARTERS,
  MAX_TREND_QUARTERS,
  QUARTER_PATTERN,
  type TrendGroupBy,
  type TrendGroupView,
  type TrendQuarterView,
  type TrendSeriesView,
  type TrendView,
} from './trend.dto';

export interface TrendOptions {
  organisation?: string;
  /** First quarter, "2024Q1" (Q1 of 2024/25); default: seven quarters before `to`. */
  from?: string;
  /** Last quarter; default: the last quarter that has ended. */
  to?: string;
  /** Level codes; default: every level. */
  levels?: string[];
  groupBy?: TrendGroupBy;
}

export function parseQuarter(text: string): { year: number; quarter: Quarter } | null {
  const match = QUARTER_PATTERN.exec(text);
  return match ? { year: Number(match[1]), quarter: Number(match[2]) as Quarter } : null;
}

/** "2025Q3", the form the API and the page's choices use. */
export function quarterKey(q: { year: number; quarter: number }): string {
  return `${q.year}Q${q.quarter}`;
}

/** The quarters from `from` to `to`, both included, oldest first. */
export function quartersBetween(from: { year: number; quarter: Quarter }, to: { year: number; quarter: Quarter }): FinancialQuarter[] {
  const out: FinancialQuarter[] = [];
  let q = to;
  while (q.year * 4 + q.quarter >= from.year * 4 + from.quarter) {
    out.unshift(financialQuarter(q.year, q.quarter));
    q = previousQuarter(q.year, q.quarter);
  }
  return out;
}

/** The quarters a trend covers: as asked, else the eight quarters ending with the last one that has ended. */
export function trendQuarters(options: { from?: string; to?: string }, today: string = todayIso()): FinancialQuarter[] {
  const to = options.to ? parseQuarter(options.to) : lastEndedQuarter(today);
  if (!to) throw new FieldError('to', 'to must be a quarter written like 2025Q3 (Q3 of 2025/26, October to December 2025)', 400);
  let from = options.from ? parseQuarter(options.from) : null;
  if (options.from && !from) throw new FieldError('from', 'from must be a quarter written like 2025Q3 (Q3 of 2025/26, October to December 2025)', 400);
  if (!from) {
    from = to;
    for (let i = 1; i < DEFAULT_TREND_QUARTERS; i++) from = previousQuarter(from.year, from.quarter);
  }
  if (from.year * 4 + from.quarter > to.year * 4 + to.quarter) throw new FieldError('from', 'The first quarter must be the same as or before the last quarter', 400);
  const quarters = quartersBetween(from, to);
  if (quarters.length > MAX_TREND_QUARTERS) throw new FieldError('from', `A trend can cover at most ${MAX_TREND_QUARTERS} quarters (five years)`, 400);
  return quarters;
}

@Injectable()
export class TrendService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceFigures,
    private readonly targets: TargetsService,
  ) {}

  async trend(scope: Scope, options: TrendOptions = {}): Promise<TrendView> {
    const quarters = trendQuarters(options);
    const groupBy = options.groupBy ?? 'organisation';
    const m = this.dataSource.manager;
    const root = options.organisation ? await this.scopes.organisation(scope, options.organisation) : await this.scopes.defaultOrganisation(scope);
    const [subtree, allLevels] = await Promise.all([loadSubtree(m, root), loadLevels(m)]);
    const unknown = (options.levels ?? []).filter((code) => !allLevels.some((l) => l.code === code));
    if (unknown.length > 0) throw new FieldError('levels', `no level with code ${unknown.join(', ')}`, 400);
    const levels = options.levels?.length ? allLevels.filter((l) => options.levels!.includes(l.code)) : allLevels;

    const [figures, book] = await Promise.all([
      this.compliance.countsOn(
        scope,
        subtree,
        quarters.map((q) => q.end),
      ),
      this.targets.book([subtree.root.id, ...subtree.children.map((c) => c.id)]),
    ]);

    type Group = TrendGroupView & { counts: (k: number) => LevelCounts | undefined; target: (level: string) => AppliedTarget | null };
    const groups: Group[] = [
      {
        kind: 'total',
        code: subtree.root.code,
        name: subtree.root.name,
        direct: false,
        counts: (k) => figures[k].total,
        target: (level) => book.forOrganisation(subtree.root.id, level),
      },
    ];
    if (groupBy === 'organisation') {
      for (const child of subtree.children) {
        groups.push({
          kind: 'organisation',
          code: child.code,
          name: child.name,
          direct: false,
          counts: (k) => figures[k].byOrganisation.get(child.id),
          target: (level) => book.forOrganisation(child.id, level),
        });
      }
      // People directly in the chosen organisation, when it has children and any such people are due.
      const direct = (k: number) => figures[k].byOrganisation.get(subtree.root.id);
      if (subtree.children.length > 0 && quarters.some((_, k) => [...(direct(k)?.values() ?? [])].some((c) => c.required > 0))) {
        groups.push({
          kind: 'organisation',
          code: subtree.root.code,
          name: `${subtree.root.name} (directly)`,
          direct: true,
          counts: direct,
          target: (level) => book.forOrganisation(subtree.root.id, level),
        });
      }
    } else {
      const present = new Set([...subtree.organisations.values()].map((o) => o.sector as string));
      for (const { sector, name } of sectorsInOrder().filter((s) => present.has(s.sector))) {
        groups.push({
          kind: 'sector',
          code: sector,
          name,
          direct: false,
          counts: (k) => figures[k].bySector.get(sector),
          target: (level) => book.forSectorWithin(subtree.root.id, sector, level),
        });
      }
    }

    const quarterViews: TrendQuarterView[] = quarters.map((q) => ({ year: q.year, quarter: q.quarter, label: quarterLabel(q), end: q.end }));
    const series: TrendSeriesView[] = [];
    for (const group of groups) {
      const { counts, target, ...view } = group;
      for (const level of levels) {
        const applied = target(level.code);
        series.push({
          group: view,
          level: level.code,
          levelName: level.name,
          targetPercent: applied?.targetPercent ?? null,
          points: quarters.map((q, k) => {
            const c: Counts | undefined = counts(k)?.get(level.code);
            const pct = c?.compliancePct ?? null;
            return { end: q.end, compliancePct: pct, required: c?.required ?? 0, met: c?.met ?? 0, pending: c?.pending ?? 0, overdue: c?.overdue ?? 0, rag: ragView(pct, applied) };
          }),
        });
      }
    }
    return {
      organisation: { code: subtree.root.code, name: subtree.root.name },
      groupBy,
      quarters: quarterViews,
      levels: levels.map((l) => ({ code: l.code, name: l.name })),
      series,
    };
  }

  /** The levels a trend may show, in framework order. */
  async levelChoices(): Promise<{ code: string; name: string }[]> {
    return (await loadLevels(this.dataSource.manager)).map((l) => ({ code: l.code, name: l.name }));
  }

  /** Quarters to offer in the page's choices: the last 20 that have ended and the one running, newest first. */
  quarterChoices(today: string = todayIso()): { value: string; text: string }[] {
    const current = quarterOf(today);
    const out: { value: string; text: string }[] = [];
    let q: { year: number; quarter: Quarter } = current;
    for (let i = 0; i <= MAX_TREND_QUARTERS; i++) {
      out.push({ value: quarterKey(q), text: quarterLabel(q) });
      q = previousQuarter(q.year, q.quarter);
    }
    return out;
  }
}
