/**
 * Prevent lead coverage (Warwickshire 2.1, Bromley's SPOC database): for the organisations of a
 * chosen sector and/or depth (e.g. every school), who the named Prevent lead is (people holding one
 * of the configured lead roles) and whether they hold a valid L3 (rules.meets); the organisations
 * without one. The lead role codes are an app setting administrators can change.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppSetting } from '../../auth/app-setting.entity';
import type { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { type IsoDate, todayIso } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import { inScope } from '../../compliance/rules';
import { sql } from '../../database/sql';
import { factsOfSubtree, loadLevelFacts } from '../../compliance/facts';
import {
  DEFAULT_LEAD_ROLE_CODES,
  type LeadCoverageQuery,
  type LeadCoverageView,
  type LeadOrganisationView,
  type LeadStatus,
  type LeadView,
} from './lead-coverage.dto';
import { validityOf } from '../shared/compliance-figures';
import { loadSubtree, type OrganisationRef, sectorName } from '../shared/groups';

export const LEAD_ROLES_SETTING = 'prevent_lead_role_codes';

@Injectable()
export class LeadCoverageService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  async roleCodes(m: EntityManager = this.dataSource.manager): Promise<string[]> {
    const setting = await m.findOne(AppSetting, { where: { key: LEAD_ROLES_SETTING } });
    if (!setting) return [...DEFAULT_LEAD_ROLE_CODES];
    try {
      const codes = JSON.parse(setting.value) as unknown;
      return Array.isArray(codes) && codes.every((c) => typeof c === 'string') ? codes : [...DEFAULT_LEAD_ROLE_CODES];
    } catch {
      return [...DEFAULT_LEAD_ROLE_CODES];
    }
  }

  /** Administrators only; every code must be an existing role. */
  async setRoleCodes(scope: Scope, codes: string[]): Promise<string[]> {
    this.scopes.assertCanEditFramework(scope);
    const wanted = [...new Set(codes.map((c) => c.trim()).filter(Boolean))];
    return this.dataSource.transaction(async (m) => {
      const known = new Set((await sql<{ code: string }>(m, 'SELECT code FROM roles')).map((r) => r.code));
      const unknown = wanted.filter((c) => !known.has(c));
      if (unknown.length > 0) throw new FieldError('roleCodes', `no role with code ${unknown.join(', ')}`);
      await m.save(AppSetting, { key: LEAD_ROLES_SETTING, value: JSON.stringify(wanted) });
      return wanted;
    });
  }

  /** Status per organisation; with `named`, each organisation's leads by name (403 for viewers). */
  async coverage(scope: Scope, q: LeadCoverageQuery, named: boolean): Promise<LeadCoverageView> {
    if (named) this.scopes.assertCanSeePeople(scope);
    const root = q.organisation ? await this.scopes.organisation(scope, q.organisation) : await this.scopes.defaultOrganisation(scope);
    const asOf: IsoDate = q.asOf ?? todayIso();
    const depth = q.depth ?? (q.sector ? null : 1);
    const sector = q.sector ?? null;
    const m = this.dataSource.manager;
    const [subtree, codes, levels] = await Promise.all([loadSubtree(m, root), this.roleCodes(m), loadLevelFacts(m)]);
    const chosen = [...subtree.organisations.values()]
      .filter((o) => (depth === null || o.depth - subtree.root.depth === depth) && (sector === null || o.sector === sector))
      .sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
    const chosenIds = new Set(chosen.map((o) => o.id));

    // Everyone in the subtree holding a lead role, with the facts the rules need.
    const top = levels[levels.length - 1];
    const placeholders = codes.map((_, i) => `$${i + 2}`).join(', ');
    const candidates =
      codes.length === 0 || !top
        ? []
        : await factsOfSubtree(m, root.id, `AND s.id IN (SELECT lr.staff_id FROM staff_roles lr JOIN roles lc ON lc.id = lr.role_id WHERE lc.code IN (${placeholders}))`, codes);
    const leads = candidates.filter((p) => inScope(p.fact, asOf));
    // Named lists show only the people the asker may see (a trainer: themselves and those booked on their sessions); the counts cover everyone.
    const names = named ? await this.scopes.names(scope, leads.map((p) => p.id)) : new Map<number, { ref: string; name: string }>();

    const byOrganisation = new Map<number, { lead: LeadView; named: boolean }[]>(chosen.map((o) => [o.id, []]));
    for (const p of leads) {
      const { valid, validUntil } = validityOf(p, top, levels, asOf);
      const own = subtree.organisations.get(p.organisationId)!;
      const lead: LeadView = {
        employeeRef: names.get(p.id)?.ref ?? '',
        name: names.get(p.id)?.name ?? '',
        organisationCode: own.code,
        organisationName: own.name,
        roles: p.fact.roleCodes.filter((c) => codes.includes(c)).sort(),
        validL3: valid,
        validUntil,
      };
      // A lead counts for every chosen organisation they sit in (their own, or one above it).
      for (const id of ancestorsOf(own, subtree.organisations)) if (chosenIds.has(id)) byOrganisation.get(id)!.push({ lead, named: names.has(p.id) });
    }

    const organisations: LeadOrganisationView[] = chosen.map((o) => {
      const all = byOrganisation.get(o.id)!;
      const list = all.filter((l) => l.named).map((l) => l.lead).sort((a, b) => Number(b.validL3) - Number(a.validL3) || a.name.localeCompare(b.name));
      const withL3 = all.filter((l) => l.lead.validL3).length;
      const status: LeadStatus = withL3 > 0 ? 'covered' : all.length > 0 ? 'lead-without-valid-l3' : 'no-lead';
      const row: LeadOrganisationView = { code: o.code, name: o.name, sector: o.sector, sectorName: sectorName(o.sector), leads: all.length, leadsWithValidL3: withL3, status };
      if (named) row.leadList = list;
      return row;
    });
    return {
      organisation: { code: root.code, name: root.name },
      asOf,
      sector,
      depth,
      roleCodes: codes,
      organisations,
      withoutValidLead: organisations.filter((o) => o.status !== 'covered').map((o) => o.code),
      counts: {
        covered: organisations.filter((o) => o.status === 'covered').length,
        leadWithoutValidL3: organisations.filter((o) => o.status === 'lead-without-valid-l3').length,
        noLead: organisations.filter((o) => o.status === 'no-lead').length,
      },
    };
  }
}

/** The organisation and every organisation above it, within the loaded subtree. */
function ancestorsOf(o: OrganisationRef, organisations: Map<number, OrganisationRef>): number[] {
  const ids: number[] = [];
  for (let at: OrganisationRef | undefined = o; at; at = at.parentId === null ? undefined : organisations.get(at.parentId)) ids.push(at.id);
  return ids;
}
