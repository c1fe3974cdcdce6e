/**
 * The organisations of a report's subtree and the groups its figures are broken down by: each
 * child organisation of the chosen one (with everything below it), and each sector. Shared by the
 * quarterly, annual and needs analysis reports and the coverage reports.
 */
import type { EntityManager } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { sql } from '../../database/sql';
import type { Organisation } from '../../organisations/organisation.entity';
import { SECTOR_NAMES, SECTORS, type Sector } from '../../organisations/sectors';
import { subtreeIds } from '../../access/subtree';

export interface OrganisationRef {
  id: number;
  code: string;
  name: string;
  sector: Sector;
  parentId: number | null;
  depth: number;
}

export interface LevelRef {
  id: number;
  code: string;
  name: string;
  rank: number;
  validityMonths: number | null;
}

export interface Subtree {
  root: OrganisationRef;
  /** Every organisation in the subtree, root included, by id. */
  organisations: Map<number, OrganisationRef>;
  /** For each organisation in the subtree, the child of the root it lies under (the root itself for the root). */
  groupOf: Map<number, number>;
  /** The root's direct children, by name. */
  children: OrganisationRef[];
}

export async function loadSubtree(m: EntityManager, root: Pick<Organisation, 'id'>): Promise<Subtree> {
  const rows = await sql<{ id: number; code: string; name: string; sector: Sector; parent_id: number | null; depth: number }>(
    m,
    `SELECT o.id, o.code, o.name, o.sector, o.parent_id, o.depth
     FROM organisations o WHERE o.id IN (${subtreeIds('$1')}) ORDER BY o.depth, o.name, o.id`,
    [root.id],
  );
  const organisations = new Map<number, OrganisationRef>();
  for (const r of rows) {
    organisations.set(Number(r.id), {
      id: Number(r.id),
      code: r.code,
      name: r.name,
      sector: r.sector,
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      depth: Number(r.depth),
    });
  }
  const rootRef = organisations.get(root.id);
  if (!rootRef) throw new Error(`organisation ${root.id} is missing from the organisation tree`);
  // Parents come before children (ordered by depth), so each one's group is already known.
  const groupOf = new Map<number, number>([[rootRef.id, rootRef.id]]);
  const children: OrganisationRef[] = [];
  for (const o of organisations.values()) {
    if (o.id === rootRef.id) continue;
    if (o.parentId === rootRef.id) {
      groupOf.set(o.id, o.id);
      children.push(o);
    } else {
      groupOf.set(o.id, groupOf.get(o.parentId!) ?? rootRef.id);
    }
  }
  return { root: rootRef, organisations, groupOf, children };
}

export async function loadLevels(m: EntityManager): Promise<LevelRef[]> {
  const rows = await sql<{ id: number; code: string; name: string; rank: number; validity_months: number | null }>(
    m,
    'SELECT id, code, name, rank, validity_months FROM levels ORDER BY rank',
  );
  return rows.map((r) => ({
    id: Number(r.id),
    code: r.code,
    name: r.name,
    rank: Number(r.rank),
    validityMonths: r.validity_months === null ? null : Number(r.validity_months),
  }));
}

/** Sectors in their usual order, each with its name. */
export function sectorsInOrder(): { sector: Sector; name: string }[] {
  return SECTORS.map((sector) => ({ sector, name: SECTOR_NAMES[sector] }));
}

export function sectorName(sector: string): string {
  return SECTOR_NAMES[sector as Sector] ?? sector;
}

/** ceil(a / b) for whole numbers, exactly. */
export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** sum / count to one decimal place, halves up (worked in whole tenths); null when count is 0. */
export function meanOf(sum: number, count: number): number | null {
  if (count === 0) return null;
  return Math.floor((20 * sum + count) / (2 * count)) / 10;
}

/** Who is asking, as far as figures can differ between people (managers and trainers see fewer people): for keeping answers apart. */
export function viewerKey(scope: Scope): string {
  return `${scope.role}:${scope.rootOrganisationId ?? '*'}:${scope.actor?.staffId ?? '-'}`;
}
