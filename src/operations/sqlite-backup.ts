import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { projectRoot } from '../config/project-root';
import { MIGRATIONS } from '../database/migrations';

/** The migrations this version knows, by name: a backup with any other is from a newer version. */
export const KNOWN_MIGRATIONS = MIGRATIONS.map((M) => new M().name ?? M.name);

/** A configured path (DATABASE_PATH, BACKUP_DIR), relative to the project folder unless absolute. */
export function inProject(path: string): string {
  return isAbsolute(path) ? path : join(projectRoot(), path);
}

/** Backups are named by their time, so names sort oldest first. */
const BACKUP_NAME = /^tracker-\d{8}T\d{6}Z\.sqlite$/;

export interface BackupResult {
  file: string;
  bytes: number;
  removed: string[];
}

/** Why a file is not a tracker database this version can use, or null. */
export function backupProblem(file: string, knownMigrations: string[]): string | null {
  if (!existsSync(file)) return `There is no file ${file}`;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('integrity_check') as { integrity_check: string }[];
    if (check.length !== 1 || check[0].integrity_check !== 'ok') return `${file} is damaged: ${check.map((c) => c.integrity_check).slice(0, 3).join('; ')}`;
    const hasMigrations = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get();
    if (!hasMigrations) return `${file} is not a tracker database (it has no migrations table)`;
    const applied = (db.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[]).map((m) => m.name);
    const unknown = applied.filter((name) => !knownMigrations.includes(name));
    if (unknown.length > 0) return `${file} was written by a newer version of the tracker (it has migrations this version does not know: ${unknown.join(', ')}); restore it with that version`;
    return null;
  } catch (error) {
    return `${file} is not a SQLite database this version can read: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
}

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => BACKUP_NAME.test(name)).sort().map((name) => join(dir, name));
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * A consistent copy of the SQLite database while the server runs (SQLite's online backup), checked
 * with PRAGMA integrity_check, then the oldest beyond `keep` removed. The copy is written under a
 * temporary name and renamed only once checked, so a backup killed part-way leaves the earlier ones
 * as they were and never a damaged file with a backup's name.
 */
export async function backupSqlite(options: { database: string; dir: string; keep: number; knownMigrations: string[]; now?: Date }): Promise<BackupResult> {
  const { database, dir, keep, knownMigrations } = options;
  if (!existsSync(database)) throw new Error(`There is no database at ${database}`);
  mkdirSync(dir, { recursive: true });
  const name = `tracker-${stamp(options.now ?? new Date())}.sqlite`;
  const file = join(dir, name);
  const partial = join(dir, `.${name}.partial`);
  const source = new Database(database, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial);
  } finally {
    source.close();
  }
  // The copy takes the database's WAL mode; a backup is one file, so it leaves it (and no -wal or
  // -shm file is left beside it by the check or by anyone opening it later).
  const copy = new Database(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const problem = backupProblem(partial, knownMigrations);
  if (problem) {
    rmSync(partial, { force: true });
    throw new Error(`The backup failed its check, so it was not kept: ${problem}`);
  }
  renameSync(partial, file);
  const backups = listBackups(dir);
  const removed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const old of removed) rmSync(old);
  return { file, bytes: statSync(file).size, removed: removed.map((f) => basename(f)) };
}

/**
 * Replaces the database with a checked backup, only when no server has it open. The database it
 * replaces is kept beside it (`<name>.before-restore-<time>`).
 */
export function restoreSqlite(options: { file: string; database: string; knownMigrations: string[]; now?: Date }): { keptAs: string | null } {
  const { file, database, knownMigrations } = options;
  const problem = backupProblem(file, knownMigrations);
  if (problem) throw new Error(problem);
  let keptAs: string | null = null;
  if (existsSync(database)) {
    // Leaving WAL mode needs the only connection: it fails while a server has the database open,
    // and folds any write-ahead log left by a crash into the file before it is set aside.
    const target = new Database(database, { fileMustExist: true, timeout: 0 });
    try {
      const mode = target.pragma('journal_mode = DELETE', { simple: true });
      if (mode !== 'delete') throw new Error('busy');
    } catch {
      throw new Error(`The database ${database} is in use: stop the server (every one using this file) before restoring`);
    } finally {
      target.close();
    }
    keptAs = `${database}.before-restore-${stamp(options.now ?? new Date())}`;
    renameSync(database, keptAs);
  }
  const incoming = `${database}.restoring`;
  copyFileSync(file, incoming);
  for (const suffix of ['-wal', '-shm']) rmSync(database + suffix, { force: true });
  renameSync(incoming, database);
  return { keptAs };
}
