/**
 * Fast bulk inserts for the generator, inside one transaction.
 * SQLite: better-sqlite3 prepared multi-row statements on the driver's own connection (synchronous,
 * hundreds of thousands of rows a second). PostgreSQL: multi-row INSERTs of up to 1,000 rows,
 * kept under the protocol's 65,535 bound parameters.
 */
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
   * refuse duplicates, failing the commit). PostgreSQL: nothing.
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

const POSTGRES_MAX_PARAMETERS = 65535;
const POSTGRES_MAX_ROWS = 1000;

async function openPostgres(dataSource: DataSource): Promise<BulkWriter> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  return {
    postgres: true,
    bool: (value) => value,
    async insert(table, columns, values) {
      const width = columns.length;
      const perBatch = Math.min(POSTGRES_MAX_ROWS, Math.floor(POSTGRES_MAX_PARAMETERS / width));
      for (let at = 0; at < values.length; at += perBatch * width) {
        const chunk = values.slice(at, at + perBatch * width);
        const rows: string[] = [];
        for (let r = 0; r < chunk.length / width; r++) {
          const placeholders = columns.map((_, c) => `$${r * width + c + 1}`);
          rows.push(`(${placeholders.join(',')})`);
        }
        await runner.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${rows.join(',')}`, chunk);
      }
    },
    async query(text) {
      return runner.query(text);
    },
    async deferIndexes() {},
    async commit() {
      await runner.commitTransaction();
      await runner.release();
    },
    async rollback() {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    },
  };
}
