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
import { organisationPathRowsOfStaff, organisationPathsUnder } from '../access/organisation-tree';
import { subtreeIds } from '../access/subtree';
import type { IsoDate } from '../common/dates';
import { NO_NUMBER, NO_TEXT, paddedList, sql } from '../database/sql';
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

/** One row of recordsOf's statement: a person (1), a role (2), a completion (3) or an organisation above them (4). */
interface FactRow {
  kind: number;
  staff_id: number;
  /** The person's organisation, the role, the level, or the organisation above. */
  ref_id: number;
  depth: number | null;
  employee_ref: string | null;
  first_name: string | null;
  last_name: string | null;
  /** The person's start date, or the completion's date. */
  on_date: IsoDate | null;
  end_date: IsoDate | null;
  code: string | null;
  name: string | null;
}

/**
 * The people, their roles, completions and the organisations above them in one statement (four
 * kinds of row): a page of people asks for them on every view, and on PostgreSQL each statement
 * is a round trip and a write to the socket.
 */
function factsStatement(list: string): string {
  return `SELECT kind, staff_id, ref_id, depth, employee_ref, first_name, last_name, on_date, end_date, code, name FROM (
      SELECT 1 AS kind, s.id AS staff_id, s.organisation_id AS ref_id, ${NO_NUMBER} AS depth, s.employee_ref, s.first_name, s.last_name,
             s.start_date AS on_date, s.end_date, o.code, o.name
        FROM staff s JOIN organisations o ON o.id = s.organisation_id WHERE s.id IN (${list})
      UNION ALL SELECT 2, staff_id, role_id, ${NO_NUMBER}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}
        FROM staff_roles WHERE staff_id IN (${list})
      UNION ALL SELECT 3, staff_id, level_id, ${NO_NUMBER}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, completed_on, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}
        FROM completions WHERE staff_id IN (${list})
      UNION ALL SELECT 4, staff_id, ancestor, depth, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}
        FROM (${organisationPathRowsOfStaff(list)}) paths
    ) facts ORDER BY kind, staff_id, depth DESC`;
}

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
    const rows = await sql<FactRow>(m, factsStatement(ids.map((_, i) => `$${i + 1}`).join(', ')), ids);
    // In kind order: each person comes before their roles, completions and path (top of the tree first).
    for (const r of rows) {
      const kind = Number(r.kind);
      const id = Number(r.staff_id);
      const ref = Number(r.ref_id);
      if (kind === 1) {
        result.set(id, {
          id,
          organisationId: ref,
          employeeRef: r.employee_ref!,
          firstName: r.first_name!,
          lastName: r.last_name!,
          organisation: { id: ref, code: r.code!, name: r.name! },
          fact: { startDate: r.on_date!, endDate: r.end_date, roleCodes: [], organisationPath: [] },
          completions: [],
        });
        continue;
      }
      const person = result.get(id);
      if (!person) continue;
      if (kind === 2) person.fact.roleCodes.push(roleCode.get(ref) ?? `#${ref}`);
      else if (kind === 3) {
        const rank = rankOf.get(ref);
        if (rank !== undefined) person.completions.push({ levelRank: rank, completedOn: r.on_date! });
      } else person.fact.organisationPath.push(ref);
    }
    for (const id of ids) {
      const person = result.get(id);
      if (person && person.fact.organisationPath.length === 0) person.fact.organisationPath = [person.organisationId];
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
