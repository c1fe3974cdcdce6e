/**
 * The framework the compliance rules are applied with: levels, roles and requirements, as plain
 * rows (a few dozen), and their translation into the facts src/compliance/rules.ts works on.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { sql } from '../database/sql';
import type { LevelFact, RequirementFact } from './rules';

export interface FrameworkLevel {
  id: number;
  code: string;
  name: string;
  rank: number;
  validityMonths: number | null;
}

export interface FrameworkRole {
  id: number;
  code: string;
  name: string;
}

export interface FrameworkRequirement {
  roleId: number;
  levelId: number;
  organisationId: number | null;
  graceDays: number;
}

/** The framework the rules are applied with: levels by rank, roles by id, every requirement. */
export interface Framework {
  levels: FrameworkLevel[];
  roles: FrameworkRole[];
  requirements: FrameworkRequirement[];
}

/** Loads the levels, roles and requirements the rules need (a few dozen rows). */
export async function loadFramework(db: DataSource | EntityManager): Promise<Framework> {
  const [levels, roles, requirements] = await Promise.all([
    sql<{ id: number; code: string; name: string; rank: number; validity_months: number | null }>(
      db,
      'SELECT id, code, name, rank, validity_months FROM levels ORDER BY rank',
    ),
    sql<{ id: number; code: string; name: string }>(db, 'SELECT id, code, name FROM roles ORDER BY id'),
    sql<{ role_id: number; level_id: number; organisation_id: number | null; grace_days: number | null }>(
      db,
      'SELECT role_id, level_id, organisation_id, grace_days FROM requirements ORDER BY id',
    ),
  ]);
  return {
    levels: levels.map((l) => ({
      id: Number(l.id),
      code: l.code,
      name: l.name,
      rank: Number(l.rank),
      validityMonths: l.validity_months === null ? null : Number(l.validity_months),
    })),
    roles: roles.map((r) => ({ id: Number(r.id), code: r.code, name: r.name })),
    requirements: requirements.map((r) => ({
      roleId: Number(r.role_id),
      levelId: Number(r.level_id),
      organisationId: r.organisation_id === null ? null : Number(r.organisation_id),
      graceDays: Number(r.grace_days ?? 0),
    })),
  };
}


export function levelFacts(framework: Framework): LevelFact[] {
  return framework.levels.map((l) => ({ code: l.code, rank: l.rank, validityMonths: l.validityMonths }));
}

export function requirementFacts(framework: Framework): RequirementFact[] {
  const roleCode = new Map(framework.roles.map((r) => [r.id, r.code]));
  const rank = new Map(framework.levels.map((l) => [l.id, l.rank]));
  return framework.requirements.map((r) => ({
    roleCode: roleCode.get(r.roleId) ?? `#${r.roleId}`,
    levelRank: rank.get(r.levelId) ?? 0,
    organisationId: r.organisationId,
    graceDays: r.graceDays,
  }));
}
