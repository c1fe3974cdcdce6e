import { EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { sql } from '../database/sql';
import { subtreeIds } from '../access/subtree';

interface OrganisationRow {
  id: number;
  code: string;
  name: string;
  parent_id: number | null;
  is_employer: boolean | number;
}

export type OrganisationLookup =
  | { ok: true; id: number; code: string; employerId: number }
  | { ok: false; reason: 'unknown' | 'outside-scope' | 'outside-organisation' };

/**
 * Every organisation, loaded once per import (there are hundreds, not millions): codes, employers
 * and which lie in the scope and under the ?organisation= of the import.
 */
export class OrganisationIndex {
  private readonly byCode = new Map<string, OrganisationRow>();
  private readonly byLowerCode = new Map<string, OrganisationRow | null>();
  private readonly byName = new Map<string, OrganisationRow | null>();
  private readonly byId = new Map<number, OrganisationRow>();
  /** Names remembered (or sent with the upload) as organisations: name key -> id. */
  private names = new Map<string, number>();
  private readonly employerOf = new Map<number, number>();
  private visible: Set<number> | null = null;
  private within: Set<number> | null = null;

  static async load(m: EntityManager, scope: Scope, organisationId: number | null): Promise<OrganisationIndex> {
    const index = new OrganisationIndex();
    const rows = (await sql<OrganisationRow>(m, 'SELECT id, code, name, parent_id, is_employer FROM organisations')).map((r) => ({
      ...r,
      id: Number(r.id),
      parent_id: r.parent_id === null ? null : Number(r.parent_id),
    }));
    const byId = index.byId;
    for (const r of rows) byId.set(r.id, r);
    for (const r of rows) {
      index.byCode.set(r.code, r);
      const lower = r.code.toLowerCase();
      index.byLowerCode.set(lower, index.byLowerCode.has(lower) ? null : r);
      const name = nameKey(r.name);
      index.byName.set(name, index.byName.has(name) ? null : r);
    }
    // The employer is the nearest organisation up the tree flagged as one, else the root.
    const employer = (id: number): number => {
      const known = index.employerOf.get(id);
      if (known !== undefined) return known;
      const r = byId.get(id)!;
      const result = r.is_employer || r.parent_id === null ? r.id : employer(r.parent_id);
      index.employerOf.set(id, result);
      return result;
    };
    for (const r of rows) employer(r.id);
    if (scope.rootOrganisationId !== null) index.visible = new Set(await subtree(m, scope.rootOrganisationId));
    if (organisationId !== null) index.within = new Set(await subtree(m, organisationId));
    return index;
  }

  /** An organisation by code (exact, else case-insensitive when that is unambiguous). */
  lookup(code: string): OrganisationLookup {
    const r = this.byCode.get(code) ?? this.byLowerCode.get(code.toLowerCase()) ?? null;
    if (!r) return { ok: false, reason: 'unknown' };
    if (this.visible && !this.visible.has(r.id)) return { ok: false, reason: 'outside-scope' };
    if (this.within && !this.within.has(r.id)) return { ok: false, reason: 'outside-organisation' };
    return { ok: true, id: r.id, code: r.code, employerId: this.employerOf.get(r.id)! };
  }

  /**
   * An organisation by the name an HR system gives it: a name remembered (or sent) for the import
   * first, else one of ours with exactly that name (ignoring case and spaces).
   */
  lookupName(name: string): OrganisationLookup {
    const remembered = this.names.get(nameKey(name));
    const r = remembered !== undefined ? (this.byId.get(remembered) ?? null) : (this.byName.get(nameKey(name)) ?? null);
    if (!r) return { ok: false, reason: 'unknown' };
    return this.lookup(r.code);
  }

  useNames(names: Map<string, number>): void {
    this.names = names;
  }

  codeAndName(organisationId: number): { code: string; name: string } {
    const r = this.byId.get(organisationId);
    return { code: r?.code ?? '', name: r?.name ?? '' };
  }

  employer(organisationId: number): number {
    return this.employerOf.get(organisationId)!;
  }

  isVisible(organisationId: number): boolean {
    return !this.visible || this.visible.has(organisationId);
  }
}

/** Organisation names compared trimmed, spaces collapsed, lower-cased. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase().slice(0, 200);
}

export async function subtree(m: EntityManager, organisationId: number): Promise<number[]> {
  const rows = await sql<{ id: number }>(m, `SELECT id FROM organisations WHERE id IN (${subtreeIds('$1')})`, [organisationId]);
  return rows.map((r) => Number(r.id));
}

/** Codes compared without regard to case: role and level codes in files are often typed by hand. */
export async function codeMap(m: EntityManager, table: 'roles' | 'levels'): Promise<Map<string, number>> {
  const rows = await sql<{ id: number; code: string }>(m, `SELECT id, code FROM ${table}`);
  return new Map(rows.map((r) => [r.code.toLowerCase(), Number(r.id)]));
}

export function organisationReason(code: string, reason: 'unknown' | 'outside-scope' | 'outside-organisation', within?: string): string {
  // Outside the importer's subtree answers as unknown: a file must not tell what exists beyond it.
  if (reason === 'unknown' || reason === 'outside-scope') return `no organisation with code ${code}`;
  return `organisation ${code} is not part of ${within ?? 'the organisation chosen for this import'}`;
}
