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

export function isPostgres(db: EntityManager | DataSource): boolean {
  const connection = 'connection' in db ? db.connection : db;
  return connection.options.type === 'postgres';
}
