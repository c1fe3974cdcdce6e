/**
 * Targets (DOMAIN.md "Other frameworks and targets"): a target compliance % per level with an
 * amber margin, partnership-wide, overridden for a sector, overridden for an organisation and
 * everything below it. The target that applies to an organisation is the nearest organisation
 * target among it and its ancestors, else its sector's, else the partnership's, else none.
 *
 * Reports ask once per request (`book`), for all the organisations they show, and then look up
 * each row in memory: the targets table is small (levels x (1 + sectors + overrides)).
 */
import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ScopeService } from '../../access/scope.service';
import type { Scope } from '../../auth/scope';
import { FieldError } from '../../common/field-error';
import { sql } from '../../database/sql';
import { Level } from '../../levels/level.entity';
import { SECTOR_NAMES, SECTORS, type Sector } from '../../organisations/sectors';
import { DEFAULT_AMBER_MARGIN, type TargetRule } from './rag';
import { reachKeyOf, Target, type TargetReach } from './target.entity';

/** The target that applies to a figure, and where it was set. */
export interface AppliedTarget extends TargetRule {
  levelCode: string;
  reach: TargetReach;
  /** The sector a sector target was set for. */
  sector: string | null;
  /** The organisation an organisation target was set for (it or an ancestor of the one asked about). */
  organisation: { code: string; name: string } | null;
}

interface TargetRow {
  level_code: string;
  reach_key: string;
  sector: string | null;
  organisation_id: number | string | null;
  organisation_code: string | null;
  organisation_name: string | null;
  target_tenths: number | string;
  amber_margin_tenths: number | string;
}

/** The targets that apply, for the organisations asked about (and any sector): answered in memory. */
export class TargetBook {
  constructor(
    private readonly byKey: Map<string, AppliedTarget>,
    /** Each organisation asked about: its sector and its path of ids from the top of the tree down to itself. */
    private readonly organisations: Map<number, { sector: string; path: number[] }>,
  ) {}

  /** True when no target is set at all (reports then show no target column). */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  partnership(levelCode: string): AppliedTarget | null {
    return this.byKey.get(`${levelCode}|partnership`) ?? null;
  }

  /** A sector's target, else the partnership's: what applies to a figure for a whole sector. */
  forSector(sector: string, levelCode: string): AppliedTarget | null {
    return this.byKey.get(`${levelCode}|${reachKeyOf('sector', { sector })}`) ?? this.partnership(levelCode);
  }

  /** The nearest organisation target among it and its ancestors, else its sector's, else the partnership's. */
  forOrganisation(organisationId: number, levelCode: string): AppliedTarget | null {
    const organisation = this.organisations.get(organisationId);
    if (!organisation) return this.partnership(levelCode);
    return this.nearestOwn(organisation.path, levelCode) ?? this.forSector(organisation.sector, levelCode);
  }

  /**
   * For one sector's figure inside an organisation's subtree (a report's "by sector" row): an
   * organisation target of the organisation or above it is nearer than the sector's, so it wins.
   */
  forSectorWithin(organisationId: number, sector: string, levelCode: string): AppliedTarget | null {
    const organisation = this.organisations.get(organisationId);
    return (organisation ? this.nearestOwn(organisation.path, levelCode) : null) ?? this.forSector(sector, levelCode);
  }

  private nearestOwn(path: number[], levelCode: string): AppliedTarget | null {
    for (let i = path.length - 1; i >= 0; i--) {
      const own = this.byKey.get(`${levelCode}|${reachKeyOf('organisation', { organisationId: path[i] })}`);
      if (own) return own;
    }
    return null;
  }
}

export interface SetTarget {
  level: string;
  targetPercent: number;
  amberMargin?: number;
}

export interface TargetsListView {
  levels: { code: string; name: string }[];
  partnership: AppliedTarget[];
  sectors: AppliedTarget[];
  /** Organisation targets inside the asker's subtree, by organisation name. */
  organisations: AppliedTarget[];
  /** Whether the asker may change the partnership and sector targets (an administrator for the whole partnership). */
  canSetPartnershipWide: boolean;
}

const PARTNERSHIP_WIDE_REFUSAL = 'Only an administrator for the whole partnership can change the partnership and sector targets: everyone shares them';

@Injectable()
export class TargetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  /** Everything needed to answer the target of these organisations (and of any sector), in two small queries. */
  async book(organisationIds: Iterable<number>, m: EntityManager = this.dataSource.manager): Promise<TargetBook> {
    const ids = [...new Set(organisationIds)];
    const [rows, organisations] = await Promise.all([this.rows(m), this.organisationsOf(m, ids)]);
    return new TargetBook(new Map(rows.map((r) => [`${r.target.levelCode}|${r.reachKey}`, r.target])), organisations);
  }

  /** As book(), for organisations named by code (what report views carry); `idOf` gives their ids. */
  async bookForCodes(codes: Iterable<string>, m: EntityManager = this.dataSource.manager): Promise<TargetBook & { idOf: (code: string) => number | undefined }> {
    const list = [...new Set(codes)];
    const ids = new Map<string, number>();
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500);
      const rows = await sql<{ id: number | string; code: string }>(m, `SELECT id, code FROM organisations WHERE code IN (${chunk.map((_, k) => `$${k + 1}`).join(', ')})`, chunk);
      for (const r of rows) ids.set(r.code, Number(r.id));
    }
    const book = await this.book(ids.values(), m);
    return Object.assign(book, { idOf: (code: string) => ids.get(code) });
  }

  /** For each organisation and level code: the target that applies (null when none does). */
  async targetsFor(organisationIds: number[], levelCodes: string[]): Promise<Map<number, Map<string, AppliedTarget | null>>> {
    const book = await this.book(organisationIds);
    return new Map(organisationIds.map((id) => [id, new Map(levelCodes.map((code) => [code, book.forOrganisation(id, code)]))]));
  }

  /** The targets the asker may see: partnership and sector targets, and organisation targets inside their subtree. */
  async list(scope: Scope): Promise<TargetsListView> {
    const m = this.dataSource.manager;
    const [rows, levels, canSetPartnershipWide] = await Promise.all([
      this.rows(m),
      m.getRepository(Level).find({ order: { rank: 'ASC' } }),
      this.scopes.coversEverything(scope),
    ]);
    const visible = await Promise.all(rows.map((r) => (r.organisationId === null ? true : this.scopes.organisationVisible(scope, r.organisationId, m))));
    const mine = rows.filter((_, i) => visible[i]).map((r) => r.target);
    const rank = new Map(levels.map((l, i) => [l.code, i]));
    const byLevel = (a: AppliedTarget, b: AppliedTarget) => (rank.get(a.levelCode) ?? 0) - (rank.get(b.levelCode) ?? 0);
    const sectorOrder = (s: string | null) => SECTORS.indexOf(s as Sector);
    return {
      levels: levels.map((l) => ({ code: l.code, name: l.name })),
      partnership: mine.filter((r) => r.reach === 'partnership').sort(byLevel),
      sectors: mine.filter((r) => r.reach === 'sector').sort((a, b) => sectorOrder(a.sector) - sectorOrder(b.sector) || byLevel(a, b)),
      organisations: mine
        .filter((r) => r.reach === 'organisation')
        .sort((a, b) => a.organisation!.name.localeCompare(b.organisation!.name) || a.organisation!.code.localeCompare(b.organisation!.code) || byLevel(a, b)),
      canSetPartnershipWide,
    };
  }

  async setPartnership(scope: Scope, target: SetTarget): Promise<AppliedTarget> {
    await this.assertPartnershipWide(scope);
    return this.save(scope, 'partnership', {}, target);
  }

  async setSector(scope: Scope, sector: string, target: SetTarget): Promise<AppliedTarget> {
    await this.assertPartnershipWide(scope);
    if (!SECTORS.includes(sector as Sector)) throw new FieldError('sector', `no sector called ${sector}`);
    return this.save(scope, 'sector', { sector }, target);
  }

  /** An organisation's own target, for it and everything below it: only inside the asker's subtree. */
  async setOrganisation(scope: Scope, organisationCode: string, target: SetTarget): Promise<AppliedTarget> {
    this.scopes.assertCanEditFramework(scope);
    const organisation = await this.scopes.organisationField(scope, organisationCode, 'organisation');
    return this.save(scope, 'organisation', { organisationId: organisation.id }, target);
  }

  /** Removes a target (what applies is then the next one up); true when there was one. */
  async remove(scope: Scope, reach: TargetReach, at: { sector?: string; organisation?: string }, levelCode: string): Promise<boolean> {
    const m = this.dataSource.manager;
    let organisationId: number | null = null;
    this.scopes.assertCanEditFramework(scope);
    if (reach === 'organisation') organisationId = (await this.scopes.organisationField(scope, at.organisation ?? '', 'organisation')).id;
    else await this.assertPartnershipWide(scope);
    const level = await this.levelOf(m, levelCode);
    const found = await m.findOne(Target, { where: { levelId: level.id, reachKey: reachKeyOf(reach, { sector: at.sector, organisationId }) } });
    if (!found) return false;
    await m.remove(found);
    return true;
  }

  private async save(scope: Scope, reach: TargetReach, at: { sector?: string; organisationId?: number }, target: SetTarget): Promise<AppliedTarget> {
    const m = this.dataSource.manager;
    const level = await this.levelOf(m, target.level);
    const reachKey = reachKeyOf(reach, at);
    const repository = m.getRepository(Target);
    const row = (await repository.findOne({ where: { levelId: level.id, reachKey } })) ?? repository.create({ levelId: level.id, reachKey });
    Object.assign(row, {
      sector: at.sector ?? null,
      organisationId: at.organisationId ?? null,
      targetPercent: target.targetPercent,
      amberMargin: target.amberMargin ?? DEFAULT_AMBER_MARGIN,
      updatedBy: scope.actor?.email ?? null,
    });
    await repository.save(row);
    return (await this.rows(m)).find((r) => r.target.levelCode === level.code && r.reachKey === reachKey)!.target;
  }

  private async levelOf(m: EntityManager, code: string): Promise<Level> {
    const level = await m.findOne(Level, { where: { code } });
    if (!level) throw new FieldError('level', `no level with code ${code}`);
    return level;
  }

  private async assertPartnershipWide(scope: Scope): Promise<void> {
    this.scopes.assertCanEditFramework(scope);
    if (!(await this.scopes.coversEverything(scope))) throw new ForbiddenException(PARTNERSHIP_WIDE_REFUSAL);
  }

  private async rows(m: EntityManager): Promise<{ target: AppliedTarget; reachKey: string; organisationId: number | null }[]> {
    const rows = await sql<TargetRow>(
      m,
      `SELECT l.code AS level_code, t.reach_key, t.sector, t.organisation_id, o.code AS organisation_code, o.name AS organisation_name,
              t.target_tenths, t.amber_margin_tenths
       FROM targets t JOIN levels l ON l.id = t.level_id LEFT JOIN organisations o ON o.id = t.organisation_id`,
    );
    return rows.map((r) => {
      const reach: TargetReach = r.reach_key === 'partnership' ? 'partnership' : r.reach_key.startsWith('sector:') ? 'sector' : 'organisation';
      const target: AppliedTarget = {
        levelCode: r.level_code,
        targetPercent: Number(r.target_tenths) / 10,
        amberMargin: Number(r.amber_margin_tenths) / 10,
        reach,
        sector: r.sector,
        organisation: r.organisation_code === null ? null : { code: r.organisation_code, name: r.organisation_name ?? r.organisation_code },
      };
      return { target, reachKey: r.reach_key, organisationId: r.organisation_id === null ? null : Number(r.organisation_id) };
    });
  }

  private async organisationsOf(m: EntityManager, ids: number[]): Promise<Map<number, { sector: string; path: number[] }>> {
    const out = new Map<number, { sector: string; path: number[] }>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await sql<{ id: number | string; sector: string; path: string }>(
        m,
        `SELECT id, sector, path FROM organisations WHERE id IN (${chunk.map((_, k) => `$${k + 1}`).join(', ')})`,
        chunk,
      );
      for (const r of rows) out.set(Number(r.id), { sector: r.sector, path: r.path.split('/').filter(Boolean).map(Number) });
    }
    return out;
  }
}

export function sectorNameOf(sector: string | null): string {
  return sector ? (SECTOR_NAMES[sector as Sector] ?? sector) : '';
}
