/**
 * Where the quarterly report and the needs analysis get compliance counts (DOMAIN.md rules 1-5):
 * required, met, compliant, expiring, pending, expired, missing, overdue and compliance % per level,
 * for an organisation subtree on a date, in total and by child organisation, sector and role.
 *
 * The rules are never repeated here. `ComplianceFigures` is the seam, with two implementations:
 * - `GapAnalysisComplianceFigures` (provided in reports.module.ts): the gap analysis itself
 *   (GapAnalysisService.report, its SQL fast path), one call per date;
 * - `RulesComplianceFigures`: the pure rules of src/compliance/rules.ts person by person over facts
 *   loaded with a few set-based queries. The reference, used by the tests to check the other.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Scope } from '../../auth/scope';
import type { IsoDate } from '../../common/dates';
import {
  addStatus,
  assess,
  type CompletionFact,
  type Counts,
  DEFAULT_WINDOW_DAYS,
  emptyCounts,
  inScope,
  isValidOn,
  type LevelFact,
  lapsesOn,
  meets,
  type PersonFact,
  type RequirementFact,
  withPct,
} from '../../compliance/rules';
import { sql } from '../../database/sql';
import { factsOfSubtree, loadLevelFacts, loadRequirementFacts, type PersonFacts } from '../../compliance/facts';
import { GapAnalysisQueryDto, type GapAnalysisView, type LevelFiguresView } from '../gap-analysis/gap-analysis.dto';
import { GapAnalysisService } from '../gap-analysis/gap-analysis.service';
import type { Subtree } from './groups';
import { FIGURES_TTL_MS, figuresKey, KEPT_ROWS, RecentResults } from './recent-results';
import { organisationPathsUnder } from '../../access/organisation-tree';
import { subtreeIds } from '../../access/subtree';

/** Counts per level code. */
export type LevelCounts = Map<string, Counts>;

export interface ComplianceGroups {
  total: LevelCounts;
  /** By the child of the root each person sits under (the root's own id for people directly in it). */
  byOrganisation: Map<number, LevelCounts>;
  bySector: Map<string, LevelCounts>;
  /** A person holding several roles counts under each of them. */
  byRole: Map<string, LevelCounts>;
}

export interface ComplianceOptions {
  /** Look-ahead window of rule 4 in days (default 90): `expiring` = meets on D but not on D + window. */
  windowDays?: number;
}

export abstract class ComplianceFigures {
  /** Counts for the subtree (already resolved within the scope) on each date, in the order given. */
  abstract countsOn(scope: Scope, subtree: Subtree, dates: IsoDate[], options?: ComplianceOptions): Promise<ComplianceGroups[]>;
}

/**
 * The gap analysis's own figures (its SQL fast path), as the groups these reports use.
 *
 * A report asks for several dates (the quarterly report four quarter ends, the annual five) and is
 * fetched several times over (page, chart images, PDF, CSV, XLSX), so answers are kept for a few
 * minutes, keyed by who asks, the organisation, the date and window, and the change counters of
 * the tables the rules read (completions, staff, roles held, requirements, levels, roles,
 * organisations and their tree; src/database/data-versions.ts): any change to them, through any
 * server or none, moves the fingerprint in its own transaction and the figures are worked out
 * afresh; sign-ins and the audit log leave it be. The counters are read on every ask, so a change
 * made through another server sharing the database is seen in the next report too. A trainer's
 * figures are not kept (figuresKey in recent-results.ts).
 */
@Injectable()
export class GapAnalysisComplianceFigures extends ComplianceFigures {
  private readonly answers = new RecentResults<ComplianceGroups>(FIGURES_TTL_MS, 500, { of: (g) => 1 + g.byOrganisation.size + g.bySector.size + g.byRole.size, most: KEPT_ROWS });

  constructor(
    private readonly gapAnalysis: GapAnalysisService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super();
  }

  async countsOn(scope: Scope, subtree: Subtree, dates: IsoDate[], options: ComplianceOptions = {}): Promise<ComplianceGroups[]> {
    const key = await figuresKey(this.dataSource, scope, subtree.root.id, options.windowDays ?? DEFAULT_WINDOW_DAYS);
    const keyOf = (asOf: IsoDate) => (key === null ? null : `${key}|${asOf}`);
    const found = new Map<IsoDate, ComplianceGroups>();
    for (const asOf of dates) {
      const kept = this.answers.get(keyOf(asOf));
      if (kept) found.set(asOf, kept);
    }
    // The dates not kept, worked out together in one pass over the data.
    const missing = [...new Set(dates.filter((d) => !found.has(d)))];
    if (missing.length > 0) {
      const query = Object.assign(new GapAnalysisQueryDto(), { organisation: subtree.root.code, window: options.windowDays });
      const views = await this.gapAnalysis.reportsOn(scope, query, missing);
      missing.forEach((asOf, k) => {
        const groups = groupsOfView(views[k], subtree);
        this.answers.set(keyOf(asOf), groups);
        found.set(asOf, groups);
      });
    }
    return dates.map((asOf) => found.get(asOf)!);
  }

}

function countsOfView(levels: LevelFiguresView[]): LevelCounts {
  return new Map(
    levels.map((l) => [
      l.level,
      {
        required: l.required,
        met: l.met,
        compliant: l.compliant,
        expiring: l.expiring,
        pending: l.pending,
        expired: l.expired,
        missing: l.missing,
        overdue: l.overdue,
        compliancePct: l.compliancePct,
      },
    ]),
  );
}

/** The gap analysis view as groups; the people directly in the root are the total less its children. */
function groupsOfView(view: GapAnalysisView, subtree: Subtree): ComplianceGroups {
  const idOf = new Map(subtree.children.map((c) => [c.code, c.id]));
  const total = countsOfView(view.levels);
  const byOrganisation = new Map<number, LevelCounts>();
  for (const o of view.byOrganisation) {
    const id = idOf.get(o.organisation.code);
    if (id !== undefined) byOrganisation.set(id, countsOfView(o.levels));
  }
  const direct: LevelCounts = new Map();
  for (const [level, all] of total) {
    const rest = { ...all, compliancePct: null };
    for (const child of byOrganisation.values()) {
      const c = child.get(level);
      if (!c) continue;
      for (const key of ['required', 'met', 'compliant', 'expiring', 'pending', 'expired', 'missing', 'overdue'] as const) rest[key] -= c[key];
    }
    direct.set(level, withPct(rest));
  }
  byOrganisation.set(subtree.root.id, direct);
  return {
    total,
    byOrganisation,
    bySector: new Map(view.bySector.map((s) => [s.sector, countsOfView(s.levels)])),
    byRole: new Map(view.byRole.map((r) => [r.role.code, countsOfView(r.levels)])),
  };
}

export interface ValidTrainer {
  staffId: number;
  organisationId: number;
  roleCodes: string[];
  /** The first day their L3 (or higher) is no longer valid; null when it never lapses. */
  validUntil: IsoDate | null;
}

function finish(groups: ComplianceGroups): ComplianceGroups {
  const all = [groups.total, ...groups.byOrganisation.values(), ...groups.bySector.values(), ...groups.byRole.values()];
  for (const levelCounts of all) for (const c of levelCounts.values()) withPct(c);
  return groups;
}

/** Compliance counts by the pure rules, person by person (the reference; fine for tens of thousands). */
@Injectable()
export class RulesComplianceFigures extends ComplianceFigures {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async countsOn(_scope: Scope, subtree: Subtree, dates: IsoDate[], options: ComplianceOptions = {}): Promise<ComplianceGroups[]> {
    const m = this.dataSource.manager;
    const [levels, requirements, people] = await Promise.all([loadLevelFacts(m), loadRequirementFacts(m), factsOfSubtree(m, subtree.root.id)]);
    return dates.map((date) => assessAll(people, levels, requirements, subtree, date, options.windowDays ?? DEFAULT_WINDOW_DAYS));
  }
}

function assessAll(
  people: PersonFacts[],
  levels: LevelFact[],
  requirements: RequirementFact[],
  subtree: Subtree,
  date: IsoDate,
  windowDays: number,
): ComplianceGroups {
  const fresh = (): LevelCounts => new Map(levels.map((l) => [l.code, emptyCounts()]));
  const groupIn = <K>(map: Map<K, LevelCounts>, key: K): LevelCounts => {
    let counts = map.get(key);
    if (!counts) map.set(key, (counts = fresh()));
    return counts;
  };
  const groups: ComplianceGroups = { total: fresh(), byOrganisation: new Map(), bySector: new Map(), byRole: new Map() };
  for (const p of people) {
    if (!inScope(p.fact, date)) continue;
    const sector = subtree.organisations.get(p.organisationId)?.sector;
    const into = [groups.total, groupIn(groups.byOrganisation, subtree.groupOf.get(p.organisationId) ?? subtree.root.id)];
    if (sector) into.push(groupIn(groups.bySector, sector));
    for (const role of new Set(p.fact.roleCodes)) into.push(groupIn(groups.byRole, role));
    for (const level of levels) {
      const a = assess(p.fact, p.completions, level, levels, requirements, date, windowDays);
      if (a) for (const counts of into) addStatus(counts.get(level.code)!, a.status);
    }
  }
  return finish(groups);
}

/** Whether a person meets the level on the date (rules.meets) and, if so, the first day they no longer would. */
export function validityOf(p: PersonFacts, level: LevelFact, levels: LevelFact[], date: IsoDate): { valid: boolean; validUntil: IsoDate | null } {
  if (!meets(p.completions, level, levels, date)) return { valid: false, validUntil: null };
  const lapses = p.completions.filter((c) => c.levelRank >= level.rank && isValidOn(c, levels, date)).map((c) => lapsesOn(c, levels));
  return { valid: true, validUntil: lapses.includes(null) ? null : (lapses as IsoDate[]).reduce((a, b) => (b > a ? b : a)) };
}

/**
 * People of the subtree in scope on `date` who meet the top level (L3, by the rules) on it: the
 * trainers a WRAP session may be run by. Only completions at that rank or above dated on or before
 * the day can make someone meet it, so only those are read: one range of the completions' level
 * and date index (ix_completion_level_date) with their people, and the roles of those people
 * through the same range, never the whole completions table.
 */
export async function validTrainers(m: EntityManager, rootId: number, date: IsoDate): Promise<ValidTrainer[]> {
  const levels = await loadLevelFacts(m);
  const top = levels[levels.length - 1];
  if (!top) return [];
  const topCompletions = 'SELECT c.staff_id FROM completions c WHERE c.level_id IN (SELECT tl.id FROM levels tl WHERE tl.rank >= $2) AND c.completed_on <= $3';
  const [rows, roles] = await Promise.all([
    sql<{ staff_id: number; organisation_id: number; start_date: IsoDate; end_date: IsoDate | null; rank: number; completed_on: IsoDate }>(
      m,
      `SELECT c.staff_id, s.organisation_id, s.start_date, s.end_date, l.rank, c.completed_on
       FROM completions c JOIN levels l ON l.id = c.level_id JOIN staff s ON s.id = c.staff_id
       WHERE c.level_id IN (SELECT tl.id FROM levels tl WHERE tl.rank >= $2) AND c.completed_on <= $3
         AND s.organisation_id IN (${subtreeIds('$1')})`,
      [rootId, top.rank, date],
    ),
    sql<{ staff_id: number; code: string }>(
      m,
      `SELECT sr.staff_id, r.code FROM staff_roles sr JOIN roles r ON r.id = sr.role_id WHERE sr.staff_id IN (${topCompletions.replace('$2', '$1').replace('$3', '$2')})`,
      [top.rank, date],
    ),
  ]);
  const holders = new Map<number, PersonFacts>();
  for (const r of rows) {
    const id = Number(r.staff_id);
    let p = holders.get(id);
    if (!p) {
      p = { id, organisationId: Number(r.organisation_id), fact: { startDate: r.start_date, endDate: r.end_date, roleCodes: [], organisationPath: [] }, completions: [] };
      holders.set(id, p);
    }
    p.completions.push({ levelRank: Number(r.rank), completedOn: r.completed_on });
  }
  for (const r of roles) holders.get(Number(r.staff_id))?.fact.roleCodes.push(r.code);
  const trainers: ValidTrainer[] = [];
  for (const p of holders.values()) {
    if (!inScope(p.fact, date)) continue;
    const { valid, validUntil } = validityOf(p, top, levels, date);
    if (valid) trainers.push({ staffId: p.id, organisationId: p.organisationId, roleCodes: p.fact.roleCodes, validUntil });
  }
  return trainers;
}
