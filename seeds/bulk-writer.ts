/**
 * Fast bulk inserts for the generator, inside one transaction.
 * SQLite: better-sqlite3 prepared multi-row statements on the driver's own connection (synchronous,
 * hundreds of thousands of rows a second). PostgreSQL: COPY FROM STDIN in text format
 * (pg-copy-streams) on the transaction's own connection, one COPY per table per call; about ten
 * times the rows a second of multi-row INSERTs, which also had to parse and plan every statement.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';

type Value = string | number | boolean | null;

interface SqliteStatement {
  run(params: Value[]): unknown;
}
interface SqliteConnection {
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  inTransaction: boolean;
}

export interface BulkWriter {
  readonly postgres: boolean;
  /** A boolean as the database binds it (better-sqlite3 binds only numbers). */
  bool(value: boolean): Value;
  /** Inserts rows given as one flat array of values, columns.length per row. */
  insert(table: string, columns: string[], values: Value[]): Promise<void>;
  query<T = Record<string, unknown>>(text: string): Promise<T[]>;
  /**
   * SQLite: drops the tables' secondary indexes until commit, which builds them again from their
   * own definitions (twice as fast as keeping them up to date row by row; unique ones still
   * refuse duplicates, failing the commit). PostgreSQL: the same for the secondary indexes, and
   * the tables' foreign keys are dropped and added again before commit, which checks every row
   * in one pass (a row that breaks one fails the commit).
   */
  deferIndexes(tables: string[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export async function openBulkWriter(dataSource: DataSource): Promise<BulkWriter> {
  if (dataSource.options.type === 'postgres') return openPostgres(dataSource);
  return openSqlite(dataSource);
}

const SQLITE_ROWS_PER_STATEMENT = 64;

function openSqlite(dataSource: DataSource): BulkWriter {
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
  const statements = new Map<string, SqliteStatement>();
  const statement = (table: string, columns: string[], rows: number): SqliteStatement => {
    const key = `${table}|${columns.join()}|${rows}`;
    let s = statements.get(key);
    if (!s) {
      const row = `(${columns.map(() => '?').join(',')})`;
      s = db.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array(rows).fill(row).join(',')}`);
      statements.set(key, s);
    }
    return s;
  };
  const deferred: string[] = [];
  db.exec('BEGIN');
  return {
    postgres: false,
    bool: (value) => (value ? 1 : 0),
    async insert(table, columns, values) {
      const width = columns.length;
      const rows = values.length / width;
      const batch = statement(table, columns, SQLITE_ROWS_PER_STATEMENT);
      const step = SQLITE_ROWS_PER_STATEMENT * width;
      let at = 0;
      for (; at + step <= values.length; at += step) batch.run(values.slice(at, at + step));
      const single = rows * width > at ? statement(table, columns, 1) : null;
      for (; at < values.length; at += width) single!.run(values.slice(at, at + width));
    },
    async query(text) {
      return dataSource.query(text);
    },
    async deferIndexes(tables) {
      const list = tables.map((t) => `'${t.replace(/'/g, "''")}'`).join(',');
      const indexes = await dataSource.query(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list})`,
      );
      for (const index of indexes as { name: string; sql: string }[]) {
        db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
        deferred.push(index.sql);
      }
    },
    async commit() {
      for (const definition of deferred.splice(0)) db.exec(definition);
      db.exec('COMMIT');
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}

/** One value in COPY's text format: \\N is null; backslash, tab, newline and carriage return escaped. */
function copyText(value: Value): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** Rows are sent to COPY in pieces of about this many characters, so no string grows without bound. */
const COPY_PIECE_CHARS = 1 << 20;

function* copyPieces(values: Value[], width: number): Generator<string> {
  let piece = '';
  for (let at = 0; at < values.length; at += width) {
    let line = copyText(values[at]);
    for (let c = 1; c < width; c++) line += '\t' + copyText(values[at + c]);
    piece += line + '\n';
    if (piece.length >= COPY_PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

async function openPostgres(dataSource: DataSource): Promise<BulkWriter> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  await runner.startTransaction();
  const deferred: string[] = [];
  const analyse: string[] = [];
  return {
    postgres: true,
    bool: (value) => value,
    async insert(table, columns, values) {
      if (values.length === 0) return;
      const width = columns.length;
      // pipeline waits for the server to acknowledge the COPY and fails with it; pieces keep backpressure.
      await pipeline(Readable.from(copyPieces(values, width)), client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN`)));
    },
    async query(text) {
      return runner.query(text);
    },
    async deferIndexes(tables) {
      const list = tables.map((t) => `'${t.replace(/'/g, "''")}'`).join(',');
      // Secondary indexes (not those behind a primary key or unique constraint) and foreign keys:
      // built and checked once over the whole table at commit instead of row by row.
      const indexes = await runner.query(
        `SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS name, pg_get_indexdef(i.oid) AS definition
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = current_schema() AND t.relname IN (${list})
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)`,
      );
      const foreignKeys = await runner.query(
        `SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname) AS "table", quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS definition
           FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname IN (${list})`,
      );
      for (const fk of foreignKeys as { table: string; name: string; definition: string }[]) {
        await runner.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${fk.name}`);
        deferred.push(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${fk.name} ${fk.definition}`);
      }
      for (const index of indexes as { name: string; definition: string }[]) {
        await runner.query(`DROP INDEX ${index.name}`);
        // Indexes first: the foreign keys are checked after them, so they go at the end of the list.
        deferred.unshift(index.definition);
      }
      analyse.push(...tables);
    },
    async commit() {
      // Room to sort each index's keys in memory; each foreign key is checked in one pass of its table.
      if (deferred.length) {
        // Deferred triggers' pending events (the change counters') run now: a table with pending events cannot be indexed.
        await runner.query('SET CONSTRAINTS ALL IMMEDIATE');
        await runner.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      }
      for (const definition of deferred.splice(0)) await runner.query(definition);
      await runner.commitTransaction();
      // Fresh planner statistics now, rather than whenever autovacuum comes round to the new rows.
      for (const table of analyse.splice(0)) await runner.query(`ANALYZE ${table}`);
      await runner.release();
    },
    async rollback() {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    },
  };
}
