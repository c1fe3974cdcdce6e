/**
 * The framework the compliance rules are applied with: levels, roles and requirements, as plain
 * rows (a few dozen), and their translation into the facts src/compliance/rules.ts works on.
 */
import { DataSource, EntityManager } from 'typeorm';
import { readOncePerRequest } from '../database/flow-context';
import { NO_NUMBER, NO_TEXT, sql } from '../database/sql';
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

type FrameworkRow = {
  kind: number;
  id: number;
  code: string | null;
  name: string | null;
  rank: number | null;
  validity_months: number | null;
  role_id: number | null;
  level_id: number | null;
  organisation_id: number | null;
  grace_days: number | null;
};


/**
 * The levels (1), roles (2) and requirements (3) in one statement: nearly every page needs them,
 * and on PostgreSQL each statement is a round trip and a write to the socket.
 */
const FRAMEWORK_SQL = `SELECT kind, id, code, name, rank, validity_months, role_id, level_id, organisation_id, grace_days FROM (
    SELECT 1 AS kind, id, code, name, rank, validity_months, ${NO_NUMBER} AS role_id, ${NO_NUMBER} AS level_id, ${NO_NUMBER} AS organisation_id, ${NO_NUMBER} AS grace_days FROM levels
    UNION ALL SELECT 2, id, code, name, ${NO_NUMBER}, ${NO_NUMBER}, ${NO_NUMBER}, ${NO_NUMBER}, ${NO_NUMBER}, ${NO_NUMBER} FROM roles
    UNION ALL SELECT 3, id, ${NO_TEXT}, ${NO_TEXT}, ${NO_NUMBER}, ${NO_NUMBER}, role_id, level_id, organisation_id, grace_days FROM requirements
  ) framework ORDER BY kind, rank, id`;

const orNull = (n: number | string | null) => (n === null ? null : Number(n));

/**
 * Loads the levels, roles and requirements the rules need (a few dozen rows): once for a whole
 * page (readOncePerRequest), unless asked inside a transaction, which must see its own changes.
 */
export function loadFramework(db: DataSource | EntityManager): Promise<Framework> {
  const inTransaction = db instanceof EntityManager && db.queryRunner !== undefined;
  return inTransaction ? readFramework(db) : readOncePerRequest('framework', () => readFramework(db));
}

async function readFramework(db: DataSource | EntityManager): Promise<Framework> {
  const rows = await sql<FrameworkRow>(db, FRAMEWORK_SQL);
  const framework: Framework = { levels: [], roles: [], requirements: [] };
  for (const r of rows) {
    const kind = Number(r.kind);
    if (kind === 1) framework.levels.push({ id: Number(r.id), code: r.code!, name: r.name!, rank: Number(r.rank), validityMonths: orNull(r.validity_months) });
    else if (kind === 2) framework.roles.push({ id: Number(r.id), code: r.code!, name: r.name! });
    else framework.requirements.push({ roleId: Number(r.role_id), levelId: Number(r.level_id), organisationId: orNull(r.organisation_id), graceDays: Number(r.grace_days ?? 0) });
  }
  return framework;
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
