/**
 * The one loader of the facts src/compliance/rules.ts reads: levels, requirements, and people with
 * their roles, organisation path and completions. Every report, My team, sessions and imports
 * take their facts from here; the rules themselves are never repeated.
 *
 * Two ways in, because they scale differently: people by id (a page of people, a session's
 * trainers, a team) with what pages show about them, and everyone in a subtree (the reports that
 * apply the rules person by person), in four statements whatever its size.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { organisationPathsOfStaff, organisationPathsUnder } from '../access/organisation-tree';
import { subtreeIds } from '../access/subtree';
import type { IsoDate } from '../common/dates';
import { paddedList, sql } from '../database/sql';
import { type Framework, levelFacts, loadFramework, requirementFacts } from './framework';
import type { CompletionFact, LevelFact, PersonFact, RequirementFact } from './rules';

/** A person as the rules take them. */
export interface PersonFacts {
  id: number;
  organisationId: number;
  fact: PersonFact;
  completions: CompletionFact[];
}

/** A person as the rules take them, with what the pages show about them. */
export interface PersonRecord extends PersonFacts {
  employeeRef: string;
  firstName: string;
  lastName: string;
  organisation: { id: number; code: string; name: string };
}

/** The levels in rank order, as the rules take them. */
export async function loadLevelFacts(db: DataSource | EntityManager): Promise<LevelFact[]> {
  return levelFacts(await loadFramework(db));
}

/** Every requirement, as the rules take them. */
export async function loadRequirementFacts(db: DataSource | EntityManager): Promise<RequirementFact[]> {
  return requirementFacts(await loadFramework(db));
}

const CHUNK = 500;

/**
 * These people's facts and names, by id (roles and organisation as they are now, every
 * completion). A few hundred ids a statement keeps well under both databases' parameter limits;
 * one statement at a time, as a transaction's connection needs.
 */
export async function recordsOf(m: EntityManager, framework: Framework, staffIds: number[]): Promise<Map<number, PersonRecord>> {
  const result = new Map<number, PersonRecord>();
  const roleCode = new Map(framework.roles.map((r) => [r.id, r.code]));
  const rankOf = new Map(framework.levels.map((l) => [l.id, l.rank]));
  for (let from = 0; from < staffIds.length; from += CHUNK) {
    // Padded to a few lengths of IN list (sql.ts, "Statement shapes").
    const ids = paddedList(staffIds.slice(from, from + CHUNK));
    const list = ids.map((_, i) => `$${i + 1}`).join(', ');
    const people = await sql<{
      id: number;
      employee_ref: string;
      first_name: string;
      last_name: string;
      start_date: IsoDate;
      end_date: IsoDate | null;
      organisation_id: number;
      code: string;
      name: string;
    }>(
      m,
      `SELECT s.id, s.employee_ref, s.first_name, s.last_name, s.start_date, s.end_date, s.organisation_id, o.code, o.name
       FROM staff s JOIN organisations o ON o.id = s.organisation_id WHERE s.id IN (${list})`,
      ids,
    );
    const roles = await sql<{ staff_id: number; role_id: number }>(m, `SELECT staff_id, role_id FROM staff_roles WHERE staff_id IN (${list})`, ids);
    const completions = await sql<{ staff_id: number; level_id: number; completed_on: IsoDate }>(
      m,
      `SELECT staff_id, level_id, completed_on FROM completions WHERE staff_id IN (${list})`,
      ids,
    );
    const paths = await organisationPathsOfStaff(m, ids);
    for (const p of people) {
      const id = Number(p.id);
      const organisationId = Number(p.organisation_id);
      result.set(id, {
        id,
        organisationId,
        employeeRef: p.employee_ref,
        firstName: p.first_name,
        lastName: p.last_name,
        organisation: { id: organisationId, code: p.code, name: p.name },
        fact: { startDate: p.start_date, endDate: p.end_date, roleCodes: [], organisationPath: paths.get(id) ?? [organisationId] },
        completions: [],
      });
    }
    for (const r of roles) result.get(Number(r.staff_id))?.fact.roleCodes.push(roleCode.get(Number(r.role_id)) ?? `#${r.role_id}`);
    for (const c of completions) {
      const rank = rankOf.get(Number(c.level_id));
      if (rank !== undefined) result.get(Number(c.staff_id))?.completions.push({ levelRank: rank, completedOn: c.completed_on });
    }
  }
  return result;
}

const SUBTREE = subtreeIds('$1');

/**
 * Everyone in the subtree under `rootId` with their facts: four statements, whatever the size.
 * `extraWhere` narrows the people (on staff `s`, parameters from $2).
 */
export async function factsOfSubtree(m: EntityManager, rootId: number, extraWhere = '', extraParams: unknown[] = []): Promise<PersonFacts[]> {
  const params = [rootId, ...extraParams];
  const staff = await sql<{ id: number; organisation_id: number; start_date: IsoDate; end_date: IsoDate | null }>(
    m,
    `SELECT s.id, s.organisation_id, s.start_date, s.end_date FROM staff s WHERE s.organisation_id IN (${SUBTREE}) ${extraWhere}`,
    params,
  );
  const roles = await sql<{ staff_id: number; code: string }>(
    m,
    `SELECT sr.staff_id, r.code FROM staff_roles sr JOIN roles r ON r.id = sr.role_id JOIN staff s ON s.id = sr.staff_id
     WHERE s.organisation_id IN (${SUBTREE}) ${extraWhere}`,
    params,
  );
  const completions = await sql<{ staff_id: number; rank: number; completed_on: IsoDate }>(
    m,
    `SELECT c.staff_id, l.rank, c.completed_on FROM completions c JOIN levels l ON l.id = c.level_id JOIN staff s ON s.id = c.staff_id
     WHERE s.organisation_id IN (${SUBTREE}) ${extraWhere}`,
    params,
  );
  // Ancestors of every organisation in the subtree, up to the top of the tree (requirements may sit above the root).
  const paths = await organisationPathsUnder(m, rootId);
  const byId = new Map<number, PersonFacts>();
  for (const s of staff) {
    const id = Number(s.id);
    const organisationId = Number(s.organisation_id);
    byId.set(id, {
      id,
      organisationId,
      fact: { startDate: s.start_date, endDate: s.end_date, roleCodes: [], organisationPath: paths.get(organisationId) ?? [organisationId] },
      completions: [],
    });
  }
  for (const r of roles) byId.get(Number(r.staff_id))?.fact.roleCodes.push(r.code);
  for (const c of completions) byId.get(Number(c.staff_id))?.completions.push({ levelRank: Number(c.rank), completedOn: c.completed_on });
  return [...byId.values()];
}
