import type { DataSource, EntityManager } from 'typeorm';
import { sql } from './sql';

/**
 * Tables with a change counter (data_versions, migration 1763900002200): any insert, update or
 * delete moves that table's counter in the same transaction, on SQLite and PostgreSQL alike.
 */
export type VersionedTable =
  | 'completions'
  | 'staff'
  | 'staff_roles'
  | 'requirements'
  | 'levels'
  | 'roles'
  | 'organisations'
  | 'organisation_closure'
  | 'training_sessions'
  | 'bookings'
  | 'session_feedback';

/** What the compliance rules read (DOMAIN.md rules 1-5): people, their roles and organisation, completions, the framework. */
export const COMPLIANCE_TABLES: VersionedTable[] = ['completions', 'staff', 'staff_roles', 'requirements', 'levels', 'roles', 'organisations', 'organisation_closure'];

/** What the organisation tree in order reads (the pickers listing every organisation). */
export const TREE_TABLES: VersionedTable[] = ['organisations', 'organisation_closure'];

/** What quarterly take-up reads: completions by people of the subtree, and the sessions hosted in it. */
export const TAKE_UP_TABLES: VersionedTable[] = ['completions', 'staff', 'levels', 'organisation_closure', 'training_sessions', 'bookings', 'session_feedback'];

/** Everything a report's figures read: compliance and take-up together (the quarterly report's charts). */
export const REPORT_TABLES: VersionedTable[] = [...new Set([...COMPLIANCE_TABLES, ...TAKE_UP_TABLES])];

/**
 * A fingerprint of these tables: it changes whenever any of them does, through any server on the
 * database, and never otherwise (sign-ins, the audit log and the rest leave it be). One read of a
 * table of at most 16 rows. Read it before the data it keys, so figures are never older than it.
 */
export async function dataVersion(db: DataSource | EntityManager, tables: readonly VersionedTable[]): Promise<string> {
  const [row] = await sql<Record<string, number | string | null>>(db, `SELECT ${tables.map((t) => `SUM(${t}) AS ${t}`).join(', ')} FROM data_versions`);
  return tables.map((t) => String(row?.[t] ?? '')).join(':');
}
