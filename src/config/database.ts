import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { AuditSubscriber } from '../audit/audit.subscriber';
import { KeptComplianceSubscriber } from '../compliance/kept/compliance-keeper';
import { ENTITIES } from '../database/entities';
import { MIGRATIONS } from '../database/migrations';
import { SnakeNamingStrategy } from '../database/snake-naming.strategy';
import { AppConfig } from './app-config';
import { projectRoot } from './project-root';

/** The size SQLite's write-ahead log file is cut back to after a checkpoint (journal_size_limit). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export type DatabaseKind = 'sqlite' | 'postgres';

/** SQLite (embedded, default) or PostgreSQL when DATABASE_URL is set. Migrations run, never synchronize. */
export function databaseOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    subscribers: [AuditSubscriber, KeptComplianceSubscriber],
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    // Failed queries the services expect (a duplicate answered 409) are not errors; unexpected ones are logged by the exception filter.
    logging: false,
  };
  if (config.DATABASE_URL) {
    return {
      ...common,
      type: 'postgres',
      url: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      // Raw report SQL names tables without a schema, so point the search path at it too.
      // No JIT compiling: the tracker's statements are short, and the reports' per-row subqueries
      // make PostgreSQL's estimates large enough to start it, which took 2 s of compiling (6.5 s
      // of CPU over its parallel workers) for the kept gap analysis's 170 ms statement.
      extra: { max: 10, options: ['-c jit=off', ...(config.DATABASE_SCHEMA ? [`-c search_path=${config.DATABASE_SCHEMA}`] : [])].join(' ') },
    };
  }
  const database = isAbsolute(config.DATABASE_PATH) ? config.DATABASE_PATH : join(projectRoot(), config.DATABASE_PATH);
  mkdirSync(dirname(database), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    enableWAL: true,
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      // Wait for a writer rather than failing at once; NORMAL is safe under WAL and much faster.
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      // The writer's page cache (the read pool's connections have their own: read-pool.service.ts).
      db.pragma('cache_size = -16384');
      // Cut the write-ahead log back to 64 MB once it starts over after a checkpoint: a large import
      // or the keeper's first pass otherwise leaves the file at its largest (1.2 GB seen beside a
      // 126 MB database).
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    },
  };
}

export function databaseKind(options: DataSourceOptions): DatabaseKind {
  return options.type === 'postgres' ? 'postgres' : 'sqlite';
}
