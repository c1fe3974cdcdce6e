/**
 * Loads the plain facts src/compliance/rules.ts works on, for the few people a session decision
 * needs (a trainer's L3, who in a team is overdue). The rules themselves are not repeated here.
 */
import { organisationPaths } from '../access/organisation-tree';
import { EntityManager } from 'typeorm';
import { IsoDate } from '../common/dates';
import { CompletionFact, LevelFact, PersonFact, RequirementFact } from '../compliance/rules';
import { sql } from '../database/sql';

export async function levelFacts(m: EntityManager): Promise<LevelFact[]> {
  const rows = await sql<{ code: string; rank: number; validity_months: number | null }>(
    m,
    'SELECT code, rank, validity_months FROM levels ORDER BY rank',
  );
  return rows.map((r) => ({ code: r.code, rank: Number(r.rank), validityMonths: r.validity_months === null ? null : Number(r.validity_months) }));
}

/** Each person's completions (rank and date); people without any map to an empty list. */
export async function completionFacts(m: EntityManager, staffIds: number[]): Promise<Map<number, CompletionFact[]>> {
  const byPerson = new Map<number, CompletionFact[]>(staffIds.map((id) => [id, []]));
  for (const ids of chunks(staffIds)) {
    const rows = await m
      .createQueryBuilder()
      .select(['c.staff_id AS staff_id', 'l.rank AS rank', 'c.completed_on AS completed_on'])
      .from('completions', 'c')
      .innerJoin('levels', 'l', 'l.id = c.level_id')
      .where('c.staff_id IN (:...ids)', { ids })
      .getRawMany<{ staff_id: number; rank: number; completed_on: string }>();
    for (const r of rows) byPerson.get(Number(r.staff_id))?.push({ levelRank: Number(r.rank), completedOn: r.completed_on });
  }
  return byPerson;
}

export interface PersonWithFacts {
  id: number;
  fact: PersonFact;
  completions: CompletionFact[];
}

/** Facts for the given people: dates, roles, organisation path (root first) and completions. */
export async function personFacts(m: EntityManager, staffIds: number[]): Promise<PersonWithFacts[]> {
  const people: PersonWithFacts[] = [];
  const completions = await completionFacts(m, staffIds);
  for (const ids of chunks(staffIds)) {
    const staff = await m
      .createQueryBuilder()
      .select(['s.id AS id', 's.start_date AS start_date', 's.end_date AS end_date', 's.organisation_id AS organisation_id'])
      .from('staff', 's')
      .where('s.id IN (:...ids)', { ids })
      .getRawMany<{ id: number; start_date: IsoDate; end_date: IsoDate | null; organisation_id: number }>();
    const roles = await m
      .createQueryBuilder()
      .select(['sr.staff_id AS staff_id', 'r.code AS code'])
      .from('staff_roles', 'sr')
      .innerJoin('roles', 'r', 'r.id = sr.role_id')
      .where('sr.staff_id IN (:...ids)', { ids })
      .getRawMany<{ staff_id: number; code: string }>();
    const organisationIds = [...new Set(staff.map((s) => Number(s.organisation_id)))];
    const paths = await organisationPaths(m, organisationIds);
    for (const s of staff) {
      const id = Number(s.id);
      people.push({
        id,
        fact: {
          startDate: s.start_date,
          endDate: s.end_date,
          roleCodes: roles.filter((r) => Number(r.staff_id) === id).map((r) => r.code),
          organisationPath: paths.get(Number(s.organisation_id)) ?? [Number(s.organisation_id)],
        },
        completions: completions.get(id) ?? [],
      });
    }
  }
  return people;
}

export async function requirementFacts(m: EntityManager): Promise<RequirementFact[]> {
  const rows = await sql<{ role_code: string; level_rank: number; organisation_id: number | null; grace_days: number | null }>(
    m,
    `SELECT r.code AS role_code, l.rank AS level_rank, q.organisation_id, q.grace_days
     FROM requirements q JOIN roles r ON r.id = q.role_id JOIN levels l ON l.id = q.level_id`,
  );
  return rows.map((r) => ({
    roleCode: r.role_code,
    levelRank: Number(r.level_rank),
    organisationId: r.organisation_id === null ? null : Number(r.organisation_id),
    graceDays: Number(r.grace_days ?? 0),
  }));
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
