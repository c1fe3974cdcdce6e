/**
 * The quarterly and annual reports with each level's target and status beside its compliance % at
 * the end (the targets loaded once per report, for the organisation and those directly below it):
 * the whole and each quarter against the organisation's target, each organisation below against
 * its own, each sector against the sector's within the organisation.
 */
import { Injectable } from '@nestjs/common';
import type { AnnualReport, LevelFigures, QuarterlyReport } from '../quarterly/quarterly.service';
import { ragView } from './rag';
import { type AppliedTarget, TargetsService } from './targets.service';

type TargetOf = (level: string) => AppliedTarget | null;

function withTarget(levels: LevelFigures[], targetOf: TargetOf): LevelFigures[] {
  return levels.map((l) => ({ ...l, target: { level: l.level, ...ragView(l.compliancePctAtEnd, targetOf(l.level)) } }));
}

/** Whether any figure of the report has a target: only then do its tables and downloads carry target columns. */
export function reportHasTargets(groups: { levels: LevelFigures[] }[]): boolean {
  return groups.some((g) => g.levels.some((l) => l.target && l.target.targetPercent !== null));
}

@Injectable()
export class ReportTargets {
  constructor(private readonly targets: TargetsService) {}

  async quarterly(r: QuarterlyReport): Promise<QuarterlyReport> {
    const book = await this.targets.bookForCodes([r.organisation.code, ...r.byOrganisation.map((o) => o.code)]);
    const rootId = book.idOf(r.organisation.code)!;
    const ofOrganisation = (code: string): TargetOf => (level) => book.forOrganisation(book.idOf(code) ?? rootId, level);
    return {
      ...r,
      levels: withTarget(r.levels, ofOrganisation(r.organisation.code)),
      byOrganisation: r.byOrganisation.map((o) => ({ ...o, levels: withTarget(o.levels, ofOrganisation(o.code)) })),
      bySector: r.bySector.map((s) => ({ ...s, levels: withTarget(s.levels, (level) => book.forSectorWithin(rootId, s.sector, level)) })),
    };
  }

  async annual(r: AnnualReport): Promise<AnnualReport> {
    const book = await this.targets.bookForCodes([r.organisation.code, ...r.byOrganisation.map((o) => o.code)]);
    const rootId = book.idOf(r.organisation.code)!;
    const ofOrganisation = (code: string): TargetOf => (level) => book.forOrganisation(book.idOf(code) ?? rootId, level);
    return {
      ...r,
      quarters: r.quarters.map((q) => ({ ...q, levels: withTarget(q.levels, ofOrganisation(r.organisation.code)) })),
      totals: withTarget(r.totals, ofOrganisation(r.organisation.code)),
      byOrganisation: r.byOrganisation.map((o) => ({ ...o, levels: withTarget(o.levels, ofOrganisation(o.code)) })),
      bySector: r.bySector.map((s) => ({ ...s, levels: withTarget(s.levels, (level) => book.forSectorWithin(rootId, s.sector, level)) })),
    };
  }
}
