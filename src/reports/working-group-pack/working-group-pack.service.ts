/**
 * The Prevent Working Group pack for a quarter: the quarterly take-up report, the compliance trend
 * over the eight quarters to it (TrendService) and the exceptions the group asks about: the
 * organisations below their target at the quarter's end (from the trend's own red/amber/green),
 * and those with no named Prevent lead holding a valid L3 (Prevent lead coverage). Nothing is
 * worked out here that those reports do not already give.
 */
import { Injectable } from '@nestjs/common';
import type { Scope } from '../../auth/scope';
import { financialQuarter, type IsoDate, type Quarter, todayIso } from '../../common/dates';
import { LeadCoverageService } from '../lead-coverage/lead-coverage.service';
import { lastEndedQuarter, QuarterlyService } from '../quarterly/quarterly.service';
import { quarterKey, TrendService } from '../trend/trend.service';
import type { BelowTargetView, WorkingGroupPackQuery, WorkingGroupPackView } from './working-group-pack.dto';

@Injectable()
export class WorkingGroupPackService {
  constructor(
    private readonly quarterly: QuarterlyService,
    private readonly trends: TrendService,
    private readonly leadCoverage: LeadCoverageService,
  ) {}

  /** The pack for the quarter asked for; by default the last quarter that has ended by `today`. */
  async pack(scope: Scope, q: WorkingGroupPackQuery, today: IsoDate = todayIso()): Promise<WorkingGroupPackView> {
    const fallback = lastEndedQuarter(today);
    const year = q.year ?? fallback.year;
    const quarter = (q.quarter ?? (q.year === undefined ? fallback.quarter : 4)) as Quarter;
    const end = financialQuarter(year, quarter).end;
    const [report, trend] = await Promise.all([
      this.quarterly.quarterly(scope, { organisation: q.organisation, year, quarter }),
      this.trends.trend(scope, { organisation: q.organisation, to: quarterKey({ year, quarter }), groupBy: 'organisation' }),
    ]);
    const leads = await this.leadCoverage.coverage(scope, { organisation: report.organisation.code, asOf: end, depth: 1 }, false);
    const belowTarget: BelowTargetView[] = [];
    for (const series of trend.series) {
      if (series.group.kind !== 'organisation' || series.group.direct) continue;
      const last = series.points[series.points.length - 1];
      if (!last || (last.rag.status !== 'red' && last.rag.status !== 'amber')) continue;
      belowTarget.push({
        code: series.group.code,
        name: series.group.name,
        level: series.level,
        levelName: series.levelName,
        compliancePct: last.compliancePct,
        targetPercent: last.rag.targetPercent,
        status: last.rag.status,
        words: last.rag.words,
      });
    }
    belowTarget.sort((a, b) => (a.status === b.status ? 0 : a.status === 'red' ? -1 : 1) || a.name.localeCompare(b.name) || a.level.localeCompare(b.level));
    // Whether the quarter has ended is judged on the pack's own day (a scheduled run's clock).
    return { quarterly: { ...report, ended: report.period.end < today }, trend, belowTarget, withoutValidLead: leads.organisations.filter((o) => o.status !== 'covered') };
  }
}
