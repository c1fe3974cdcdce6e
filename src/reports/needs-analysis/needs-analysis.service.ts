/**
 * Needs analysis against the framework (Warwickshire 3.2), as defined in DOMAIN.md "Report
 * definitions": on a date D with a horizon of H months, per level, how many people need training
 * now and how many will lapse; for WRAP (L2), the sessions that means and the trainers needed.
 *
 * Every count of people comes from the gap analysis (through the ComplianceFigures seam) asked for
 * D with a look-ahead window reaching D + H months: `expiring` in that answer is exactly "meets L
 * on D but not on D + H months" (rule 4, with D's own record). Trainers available are the people
 * in scope on D meeting the top level, by rules.inScope and rules.meets (validTrainers).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { addMonths, daysBetween, type IsoDate, todayIso } from '../../common/dates';
import type { Counts } from '../../compliance/rules';
import { ReadsOffMainThread } from '../../database/read-pool/reads-off-main-thread';
import { sql } from '../../database/sql';
import { ComplianceFigures, type LevelCounts, validTrainers, type ValidTrainer } from '../shared/compliance-figures';
import type { NeedsAnalysisQuery } from './needs-analysis.dto';
import { ceilDiv, type LevelRef, loadLevels, loadSubtree, sectorName, sectorsInOrder } from '../shared/groups';

export const DEFAULT_HORIZON_MONTHS = 12;
export const DEFAULT_SESSION_CAPACITY = 20;
export const DEFAULT_SESSIONS_PER_TRAINER = 6;

/** One level's needs, named as in DOMAIN.md; the session and trainer figures only for L2 (null otherwise). */
export interface LevelNeeds {
  level: string;
  name: string;
  required: number;
  met: number;
  pending: number;
  overdue: number;
  lapsingInHorizon: number;
  demand: number;
  sessionsNeeded: number | null;
  trainersAvailable: number | null;
  trainersNeeded: number | null;
  trainerShortfall: number | null;
}

export interface NeedsGroup {
  levels: LevelNeeds[];
}

export interface NeedsAnalysis {
  organisation: { code: string; name: string; sector: string; sectorName: string };
  asOf: IsoDate;
  horizonMonths: number;
  /** D + H months: the end of the horizon. */
  horizonEnd: IsoDate;
  sessionCapacity: number;
  sessionsPerTrainer: number;
  /** The level sessions are run for (L2, WRAP) and the level its trainers must hold (L3). */
  sessionLevel: string | null;
  trainerLevel: string | null;
  levels: LevelNeeds[];
  byOrganisation: (NeedsGroup & { code: string; name: string; sector: string; sectorName: string; direct: boolean })[];
  bySector: (NeedsGroup & { sector: string; name: string })[];
  byRole: (NeedsGroup & { code: string; name: string })[];
}

interface Settings {
  horizonMonths: number;
  sessionCapacity: number;
  sessionsPerTrainer: number;
}

@Injectable()
export class NeedsAnalysisService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceFigures,
  ) {}

  @ReadsOffMainThread()
  async analyse(scope: Scope, q: NeedsAnalysisQuery): Promise<NeedsAnalysis> {
    const root = q.organisation ? await this.scopes.organisation(scope, q.organisation) : await this.scopes.defaultOrganisation(scope);
    const asOf = q.asOf ?? todayIso();
    const settings: Settings = {
      horizonMonths: q.horizonMonths ?? DEFAULT_HORIZON_MONTHS,
      sessionCapacity: q.sessionCapacity ?? DEFAULT_SESSION_CAPACITY,
      sessionsPerTrainer: q.sessionsPerTrainer ?? DEFAULT_SESSIONS_PER_TRAINER,
    };
    const horizonEnd = addMonths(asOf, settings.horizonMonths);
    const m = this.dataSource.manager;
    const [subtree, levels, roles] = await Promise.all([
      loadSubtree(m, root),
      loadLevels(m),
      sql<{ code: string; name: string }>(m, 'SELECT code, name FROM roles ORDER BY name, code'),
    ]);
    const [[groups], trainers] = await Promise.all([
      this.compliance.countsOn(scope, subtree, [asOf], { windowDays: daysBetween(asOf, horizonEnd) }),
      validTrainers(m, root.id, asOf),
    ]);
    // WRAP is the level L3 holders train: the level just below the top.
    const top = levels[levels.length - 1];
    const sessionLevel = levels.length >= 2 ? levels[levels.length - 2] : null;
    const needs = (counts: LevelCounts | undefined, trainersHere: ValidTrainer[]) =>
      levels.map((l) => levelNeeds(l, counts?.get(l.code), l === sessionLevel ? trainersHere.length : null, settings));

    const groupOf = (t: ValidTrainer) => subtree.groupOf.get(t.organisationId);
    const sectorOf = (t: ValidTrainer) => subtree.organisations.get(t.organisationId)?.sector;
    const present = new Set([...subtree.organisations.values()].map((o) => o.sector as string));
    const direct = {
      code: subtree.root.code,
      name: subtree.root.name,
      sector: subtree.root.sector,
      sectorName: sectorName(subtree.root.sector),
      direct: true,
      levels: needs(groups.byOrganisation.get(subtree.root.id), trainers.filter((t) => groupOf(t) === subtree.root.id)),
    };
    return {
      organisation: { code: root.code, name: root.name, sector: root.sector, sectorName: sectorName(root.sector) },
      asOf,
      horizonMonths: settings.horizonMonths,
      horizonEnd,
      sessionCapacity: settings.sessionCapacity,
      sessionsPerTrainer: settings.sessionsPerTrainer,
      sessionLevel: sessionLevel?.code ?? null,
      trainerLevel: sessionLevel ? top.code : null,
      levels: needs(groups.total, trainers),
      byOrganisation: [
        ...subtree.children.map((c) => ({
          code: c.code,
          name: c.name,
          sector: c.sector,
          sectorName: sectorName(c.sector),
          direct: false,
          levels: needs(groups.byOrganisation.get(c.id), trainers.filter((t) => groupOf(t) === c.id)),
        })),
        ...(hasAnyone(direct.levels) ? [direct] : []),
      ],
      bySector: sectorsInOrder()
        .filter((s) => present.has(s.sector))
        .map((s) => ({ sector: s.sector, name: s.name, levels: needs(groups.bySector.get(s.sector), trainers.filter((t) => sectorOf(t) === s.sector)) })),
      byRole: roles.map((r) => ({ code: r.code, name: r.name, levels: needs(groups.byRole.get(r.code), trainers.filter((t) => t.roleCodes.includes(r.code))) })),
    };
  }
}

function levelNeeds(level: LevelRef, c: Counts | undefined, trainersAvailable: number | null, s: Settings): LevelNeeds {
  const required = c?.required ?? 0;
  const met = c?.met ?? 0;
  const pending = c?.pending ?? 0;
  const overdue = c?.overdue ?? 0;
  // Asked with the window reaching D + H months, "expiring" is exactly the people lapsing in the horizon.
  const lapsingInHorizon = c?.expiring ?? 0;
  const demand = overdue + pending + lapsingInHorizon;
  const figures: LevelNeeds = {
    level: level.code,
    name: level.name,
    required,
    met,
    pending,
    overdue,
    lapsingInHorizon,
    demand,
    sessionsNeeded: null,
    trainersAvailable: null,
    trainersNeeded: null,
    trainerShortfall: null,
  };
  if (trainersAvailable === null) return figures;
  const sessionsNeeded = ceilDiv(demand, s.sessionCapacity);
  // ceil(sessions / (S x H / 12)), in whole numbers: ceil(12 x sessions / (S x H)).
  const trainersNeeded = ceilDiv(12 * sessionsNeeded, s.sessionsPerTrainer * s.horizonMonths);
  return {
    ...figures,
    sessionsNeeded,
    trainersAvailable,
    trainersNeeded,
    trainerShortfall: Math.max(0, trainersNeeded - trainersAvailable),
  };
}

function hasAnyone(levels: LevelNeeds[]): boolean {
  return levels.some((l) => l.required > 0 || (l.trainersAvailable ?? 0) > 0);
}

