import { EntityManager } from 'typeorm';
import { inStatements, sql } from '../database/sql';

// SQLite binds at most 32,766 parameters a statement and PostgreSQL 65,535: stay well under both.
const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)));
}

/** Multi-row INSERTs, a statement per few hundred rows (in a few lengths: sql.ts, "Statement shapes"); with `returning`, the rows that came back. */
export async function bulkInsert<T = Record<string, unknown>>(
  m: EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
  returning?: string,
): Promise<T[]> {
  const out: T[] = [];
  for (const slice of inStatements(rows, rowsPerStatement(columns.length))) {
    const params: unknown[] = [];
    const values = slice.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}${returning ? ` RETURNING ${returning}` : ''}`;
    const result = await sql<T>(m, text, params);
    if (returning) out.push(...result);
  }
  return out;
}

export interface UpdateColumn {
  name: string;
  integer?: boolean;
}

/**
 * Updates many rows by id in a few statements (UPDATE ... FROM a VALUES list, which SQLite 3.33+
 * and PostgreSQL both run), in a few lengths as bulkInsert. Each row is [id, ...values in the order of `columns`].
 */
export async function bulkUpdate(m: EntityManager, table: string, columns: UpdateColumn[], rows: unknown[][], touch = true): Promise<void> {
  const names = ['id', ...columns.map((c) => c.name)];
  // PostgreSQL types VALUES parameters as text: integers need a cast to compare and assign.
  const integer = [true, ...columns.map((c) => Boolean(c.integer))];
  for (const slice of inStatements(rows, rowsPerStatement(columns.length + 1))) {
    const params: unknown[] = [];
    const values = slice.map(
      (row) => `(${row.map((v, i) => (params.push(v), integer[i] ? `CAST($${params.length} AS integer)` : `$${params.length}`)).join(', ')})`,
    );
    const assignments = columns.map((c) => `${c.name} = v.${c.name}`);
    if (touch) assignments.push('updated_at = CURRENT_TIMESTAMP');
    await sql(
      m,
      `WITH v(${names.join(', ')}) AS (VALUES ${values.join(', ')})
       UPDATE ${table} SET ${assignments.join(', ')} FROM v WHERE ${table}.id = v.id`,
      params,
    );
  }
}

/** Runs `query` for ids in slices small enough for either database; returns every row. */
export async function selectIn<T>(ids: unknown[], size: number, query: (slice: unknown[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < ids.length; start += size) for (const row of await query(ids.slice(start, start + size))) out.push(row);
  return out;
}

/** Runs a statement that returns nothing (UPDATE, DELETE) for ids in slices. */
export async function eachSlice(ids: unknown[], size: number, statement: (slice: unknown[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < ids.length; start += size) await statement(ids.slice(start, start + size));
}

/** "$2, $3, ..." for a list of values placed after `offset` other parameters. */
export function placeholders(count: number, offset = 0): string {
  return Array.from({ length: count }, (_, i) => `$${i + offset + 1}`).join(', ');
}
