import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs raw SQL written with PostgreSQL's $1, $2 placeholders on either database: for SQLite each
 * $n becomes ? with its value repeated in order, since better-sqlite3 binds only plain ? from arrays.
 */
export function sql<T = Record<string, unknown>>(db: EntityManager | DataSource, text: string, params: unknown[] = []): Promise<T[]> {
  const connection = 'connection' in db ? db.connection : db;
  if (connection.options.type === 'postgres') return db.query(text, params);
  const { rewritten, ordered } = sqlitePlaceholders(text, params);
  return db.query(rewritten, ordered);
}

/** $1, $2 placeholders as SQLite's plain ?, with each value repeated in order. */
export function sqlitePlaceholders(text: string, params: unknown[]): { rewritten: string; ordered: unknown[] } {
  const ordered: unknown[] = [];
  const rewritten = text.replace(/\$(\d+)/g, (_, n: string) => {
    ordered.push(params[Number(n) - 1]);
    return '?';
  });
  return { rewritten, ordered };
}

/** Typed NULLs for the columns a UNION ALL branch does not fill: PostgreSQL needs each column's type. */
export const NO_NUMBER = 'CAST(NULL AS integer)';
export const NO_TEXT = 'CAST(NULL AS varchar)';

export function isPostgres(db: EntityManager | DataSource): boolean {
  const connection = 'connection' in db ? db.connection : db;
  return connection.options.type === 'postgres';
}

/*
 * Statement shapes. The drivers prepare each distinct statement text and keep the last ones
 * (TypeORM keeps 100 of better-sqlite3's), and a prepared statement holds native memory that the
 * garbage collector frees only when it finalises it, which V8 does not hurry for memory it cannot
 * see. Multi-row writes and IN lists of every length are each a new text: the keeper's INSERTs left
 * the server 80 MB larger after refreshing 50,000 people. So statements whose length follows their
 * data come in a few lengths only.
 */

/** The rows of each statement of a multi-row write: full statements of `most` rows, then the rest in powers of two. */
export function statementSizes(rows: number, most: number): number[] {
  const full = Math.max(1, Math.floor(most));
  const sizes: number[] = [];
  let left = rows;
  for (; left >= full; left -= full) sizes.push(full);
  // What is left is below `full`: its binary digits, largest first.
  for (let size = 2 ** Math.floor(Math.log2(full)); left > 0; size /= 2) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/** `rows` sliced for statementSizes, in order. */
export function inStatements<T>(rows: T[], most: number): T[][] {
  const slices: T[][] = [];
  let at = 0;
  for (const size of statementSizes(rows.length, most)) {
    slices.push(rows.slice(at, at + size));
    at += size;
  }
  return slices;
}

/** Values for `x IN (...)`, the last repeated up to a power of two: repeats change nothing in an IN list. */
export function paddedList<T>(values: T[]): T[] {
  if (values.length === 0) return values;
  const length = 2 ** Math.ceil(Math.log2(values.length));
  return length === values.length ? values : [...values, ...Array<T>(length - values.length).fill(values[values.length - 1])];
}
