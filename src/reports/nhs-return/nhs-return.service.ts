/**
 * The NHS England quarterly Prevent return of a health organisation: whether a named Prevent lead is
 * in post and trained, staff eligible for and trained in basic Prevent awareness and in WRAP /
 * level 3 with the percentage, and referrals. Training figures are the gap analysis's at each
 * quarter's last day for the level an administrator maps to each category; the lead items are the
 * Prevent lead coverage report's; referrals are the impact figures'. Nothing is worked out here.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ScopeService } from '../../access/scope.service';
import { AppSetting } from '../../auth/app-setting.entity';
import type { Scope } from '../../auth/scope';
import { financialQuarter, type IsoDate, type Quarter, todayIso } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import { ComplianceService } from '../../compliance/compliance.service';
import type { Organisation } from '../../organisations/organisation.entity';
import { SECTOR_NAMES } from '../../organisations/sectors';
import type { LevelFiguresView } from '../gap-analysis/gap-analysis.dto';
import { GapAnalysisService } from '../gap-analysis/gap-analysis.service';
import { ImpactService } from '../impact/impact.service';
import { LeadCoverageService } from '../lead-coverage/lead-coverage.service';
import { lastEndedQuarter, quarterLabel, yearName } from '../quarterly/quarterly.service';
import { loadSubtree } from '../shared/groups';
import type { NhsMappingView, NhsQuarterView, NhsReturnQuery, NhsReturnView, NhsTrainingFiguresView } from './nhs-return.dto';

export const NHS_MAPPING_SETTING = 'nhs_return_mapping';

interface StoredMapping {
  basicLevels: string[];
  wrapLevels: string[];
}

function training(l: LevelFiguresView): NhsTrainingFiguresView {
  return { eligible: l.required, notYetDue: l.pending, trained: l.met, notTrained: l.overdue, percentTrained: l.compliancePct };
}

@Injectable()
export class NhsReturnService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceService,
    private readonly gapAnalysis: GapAnalysisService,
    private readonly leadCoverage: LeadCoverageService,
    private readonly impact: ImpactService,
  ) {}

  /** The mapping as set, with each category's figures level; by default basic = the lowest level, WRAP / level 3 = every level above it. */
  async mapping(): Promise<NhsMappingView> {
    const levels = (await this.compliance.framework()).levels;
    const stored = await this.stored();
    const known = (codes: string[]) => levels.filter((l) => codes.includes(l.code));
    let basic = stored ? known(stored.basicLevels) : levels.slice(0, 1);
    let wrap = stored ? known(stored.wrapLevels) : levels.slice(1);
    // A level removed since the mapping was saved leaves the category to its default.
    if (basic.length === 0) basic = levels.slice(0, 1);
    if (wrap.length === 0) wrap = levels.slice(1).length ? levels.slice(1) : levels.slice(-1);
    const category = (chosen: typeof levels) => ({ levels: chosen.map((l) => l.code), figuresLevel: chosen[0]?.code ?? '' });
    return { basic: category(basic), wrap: category(wrap), leadRoleCodes: await this.leadCoverage.roleCodes() };
  }

  /** Administrators for the whole partnership (the route checks it); every code must be a level, each in one category only. */
  async setMapping(scope: Scope, basicLevels: string[], wrapLevels: string[]): Promise<NhsMappingView> {
    this.scopes.assertCanEditFramework(scope);
    const codes = new Set((await this.compliance.framework()).levels.map((l) => l.code));
    const clean = (list: string[]) => [...new Set(list.map((c) => c.trim()).filter(Boolean))];
    const basic = clean(basicLevels);
    const wrap = clean(wrapLevels);
    if (basic.length === 0) throw new FieldError('basicLevels', 'Choose at least one level for basic Prevent awareness');
    if (wrap.length === 0) throw new FieldError('wrapLevels', 'Choose at least one level for WRAP / level 3');
    for (const [field, list] of [['basicLevels', basic], ['wrapLevels', wrap]] as const) {
      const unknown = list.filter((c) => !codes.has(c));
      if (unknown.length) throw new FieldError(field, `There is no level ${unknown.join(', ')}`);
    }
    const both = basic.filter((c) => wrap.includes(c));
    if (both.length) throw new FieldError('wrapLevels', `${both.join(', ')} cannot count for both categories: choose it for one of them`);
    await this.dataSource.manager.save(AppSetting, { key: NHS_MAPPING_SETTING, value: JSON.stringify({ basicLevels: basic, wrapLevels: wrap }) });
    return this.mapping();
  }

  /** The health organisations the scope may choose, by name. */
  async healthOrganisations(scope: Scope): Promise<{ code: string; name: string }[]> {
    const subtree = await loadSubtree(this.dataSource.manager, await this.scopes.defaultOrganisation(scope));
    return [...subtree.organisations.values()]
      .filter((o) => o.sector === 'health')
      .sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code))
      .map((o) => ({ code: o.code, name: o.name }));
  }

  /**
   * The return for the quarters of the year that have ended by `today` (up to q.quarter when given):
   * figures for a closed quarter only, never one still running.
   */
  async nhsReturn(scope: Scope, q: NhsReturnQuery, today: IsoDate = todayIso()): Promise<NhsReturnView> {
    const organisation = await this.healthOrganisation(scope, q.organisation);
    const last = lastEndedQuarter(today);
    const year = q.year ?? last.year;
    const through = Math.min(q.quarter ?? 4, year < last.year ? 4 : year === last.year ? last.quarter : 0);
    const periods = [1, 2, 3, 4].filter((n) => n <= through).map((n) => financialQuarter(year, n as Quarter));
    const mapping = await this.mapping();
    const ends = periods.map((p) => p.end);
    const [figures, leads, referrals] = await Promise.all([
      this.gapAnalysis.reportsOn(scope, { organisation: organisation.code }, ends),
      Promise.all(ends.map((asOf) => this.leadCoverage.coverage(scope, { organisation: organisation.code, asOf, depth: 0 }, false))),
      Promise.all(periods.map((p) => this.impact.totals(organisation.id, p.year, p.quarter))),
    ]);
    const quarters: NhsQuarterView[] = periods.map((p, i) => {
      const level = (code: string) => figures[i].levels.find((l) => l.level === code)!;
      const own = leads[i].organisations[0];
      return {
        year: p.year,
        quarter: p.quarter,
        label: quarterLabel(p),
        end: p.end,
        leadNamed: (own?.leads ?? 0) > 0,
        leadTrained: (own?.leadsWithValidL3 ?? 0) > 0,
        basic: training(level(mapping.basic.figuresLevel)),
        wrap: training(level(mapping.wrap.figuresLevel)),
        referrals: referrals[i].concerns.total,
        channelReferrals: referrals[i].channelReferrals,
        organisationsReporting: referrals[i].organisationsReporting,
      };
    });
    return { organisation: { code: organisation.code, name: organisation.name }, year, yearName: yearName(year), mapping, quarters };
  }

  /** The organisation asked for, or the first health organisation in scope; the return is for health organisations only. */
  private async healthOrganisation(scope: Scope, code: string | undefined): Promise<Organisation> {
    if (code) {
      const organisation = await this.scopes.organisation(scope, code);
      if (organisation.sector !== 'health') {
        throw new FieldError('organisation', `The NHS return is for health organisations; ${organisation.name} is in the ${SECTOR_NAMES[organisation.sector].toLowerCase()} sector`);
      }
      return organisation;
    }
    const first = (await this.healthOrganisations(scope))[0];
    if (!first) throw new FieldError('organisation', 'There is no health organisation among yours');
    return this.scopes.organisation(scope, first.code);
  }

  private async stored(): Promise<StoredMapping | null> {
    const setting = await this.dataSource.manager.findOne(AppSetting, { where: { key: NHS_MAPPING_SETTING } });
    if (!setting) return null;
    try {
      const value = JSON.parse(setting.value) as StoredMapping;
      return Array.isArray(value.basicLevels) && Array.isArray(value.wrapLevels) ? value : null;
    } catch {
      return null;
    }
  }
}
