import type { EntityManager } from 'typeorm';
import { sql } from '../database/sql';
import { OrganisationClosure } from './organisation-closure.entity';
import { ancestorRows, descendantRows, subtreeIds } from './subtree';

/**
 * Reads and keeps the organisation tree's closure table: the queries that walk the tree and the
 * writes that keep it in step when an organisation is added, moved or deleted. Part of the access
 * layer because "inside this subtree" is what scope is made of.
 */

/** Ids of the organisation and everything below it. */
export async function subtreeIdsOf(m: EntityManager, organisationId: number): Promise<number[]> {
  const rows = await m.find(OrganisationClosure, { where: { ancestorId: organisationId } });
  return rows.map((r) => r.descendantId);
}

/** Ids from the top of the tree down to the organisation itself. */
export async function ancestorIdsOf(m: EntityManager, organisationId: number): Promise<number[]> {
  const rows = await m.find(OrganisationClosure, { where: { descendantId: organisationId }, order: { depth: 'DESC' } });
  return rows.map((r) => r.ancestorId);
}

/** The organisation and its ancestors, nearest first, with whether each is an employer. */
export function ancestorsNearestFirst(m: EntityManager, organisationId: number): Promise<{ id: number; is_employer: boolean | number }[]> {
  return sql(
    m,
    `SELECT o.id, o.is_employer FROM organisation_closure c JOIN organisations o ON o.id = c.ancestor_id
     WHERE c.descendant_id = $1 ORDER BY c.depth ASC`,
    [organisationId],
  );
}

/** Current staff in each organisation's whole subtree, keyed by organisation id; `rootId` limits it to one subtree. */
export async function currentStaffBySubtree(m: EntityManager, today: string, rootId: number | null): Promise<Map<number, number>> {
  const rows = await sql<{ id: number | string; people: number | string }>(
    m,
    `SELECT c.ancestor_id AS id, COUNT(s.id) AS people
     FROM organisation_closure c JOIN staff s ON s.organisation_id = c.descendant_id
     WHERE (s.end_date IS NULL OR s.end_date >= $1) ${rootId === null ? '' : `AND c.ancestor_id IN (${subtreeIds('$2', 'r')})`}
     GROUP BY c.ancestor_id`,
    rootId === null ? [today] : [today, rootId],
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.people)]));
}

/** A new organisation joins the tree under its parent (or as a root). */
export async function addToTree(m: EntityManager, organisationId: number, parentId: number | null): Promise<void> {
  await sql(
    m,
    `INSERT INTO organisation_closure (ancestor_id, descendant_id, depth)
     SELECT ancestor_id, $1, depth + 1 FROM organisation_closure WHERE descendant_id = $2`,
    [organisationId, parentId ?? -1],
  );
  await m.insert(OrganisationClosure, { ancestorId: organisationId, descendantId: organisationId, depth: 0 });
}

/** A deleted organisation (with nothing below it) leaves the tree. */
export async function removeFromTree(m: EntityManager, organisationId: number): Promise<void> {
  await m.delete(OrganisationClosure, { descendantId: organisationId });
}

/** Re-hangs the subtree under `rootId` (its ids in `subtree`) below a new parent, or makes it a tree of its own. */
export async function rehang(m: EntityManager, rootId: number, subtree: number[], parentId: number | null): Promise<void> {
  await m
    .createQueryBuilder()
    .delete()
    .from(OrganisationClosure)
    .where('descendant_id IN (:...subtree)', { subtree })
    .andWhere('ancestor_id NOT IN (:...subtree)', { subtree })
    .execute();
  if (parentId === null) return;
  await sql(
    m,
    `INSERT INTO organisation_closure (ancestor_id, descendant_id, depth)
     SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1
     FROM organisation_closure a JOIN ${descendantRows('d', '$2')}
     WHERE a.descendant_id = $1`,
    [parentId, rootId],
  );
}

/** The path from the top of the tree down to each organisation of the subtree under `rootId`, by organisation id. */
export async function organisationPathsUnder(m: EntityManager, rootId: number): Promise<Map<number, number[]>> {
  const rows = await sql<{ descendant_id: number; ancestor_id: number }>(
    m,
    `SELECT oa.descendant_id, oa.ancestor_id FROM organisation_closure oa
     WHERE oa.descendant_id IN (${subtreeIds('$1')}) ORDER BY oa.descendant_id, oa.depth DESC`,
    [rootId],
  );
  const paths = new Map<number, number[]>();
  for (const r of rows) paths.set(Number(r.descendant_id), [...(paths.get(Number(r.descendant_id)) ?? []), Number(r.ancestor_id)]);
  return paths;
}

/** Organisations at most `maxDepth` levels below any of `topIds` (tops included), with how far below they are. */
export function organisationsNear(
  m: EntityManager,
  topIds: number[],
  maxDepth: number,
): Promise<{ id: number; code: string; name: string; parent_id: number | null; depth: number }[]> {
  return sql(
    m,
    `SELECT o.id, o.code, o.name, o.parent_id, c.depth
     FROM organisation_closure c JOIN organisations o ON o.id = c.descendant_id
     WHERE c.ancestor_id IN (${topIds.map((_, i) => `$${i + 2}`).join(', ')}) AND c.depth <= $1`,
    [maxDepth, ...topIds],
  );
}

/** A figure that changes whenever the tree does, for caches keyed on the data. */
export const TREE_FINGERPRINT_SQL = '(SELECT COUNT(*) FROM organisation_closure)';

/**
 * Each person's organisation and those above it, as rows (staff_id, ancestor, depth below it) of
 * a statement's table source: for the people whose ids are `list` (placeholders or values).
 * Ordered by depth descending, the path runs from the top of the tree down.
 */
export function organisationPathRowsOfStaff(list: string): string {
  return `SELECT s.id AS staff_id, oc.ancestor_id AS ancestor, oc.depth AS depth FROM staff s JOIN ${ancestorRows('oc', 's.organisation_id')} WHERE s.id IN (${list})`;
}
