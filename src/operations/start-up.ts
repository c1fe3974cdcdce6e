import type { DataSource } from 'typeorm';
import { Like } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { DEMO_PASSWORD } from '../demo/demo-accounts';
import { User } from '../users/user.entity';

/** Which database, in words an operator recognises, never with a password. */
export function databaseDescription(dataSource: DataSource, config: AppConfig): string {
  if (dataSource.options.type !== 'postgres') return `SQLite database ${String(dataSource.options.database)}`;
  const url = new URL(config.DATABASE_URL!);
  const schema = config.DATABASE_SCHEMA ? `, schema ${config.DATABASE_SCHEMA}` : '';
  return `PostgreSQL database ${url.pathname.slice(1)} on ${url.hostname}:${url.port || 5432}${schema}`;
}

/** The lines logged once the server listens: where, which database, and the demo accounts if there are any. */
export async function startUpMessage(dataSource: DataSource, config: AppConfig, port: number): Promise<string[]> {
  const address = `http://localhost:${port}`;
  const elsewhere = config.PUBLIC_URL !== `http://localhost:${config.PORT}`;
  const lines = [
    `Prevent training tracker is listening on ${address}${elsewhere ? ` (people reach it at ${config.PUBLIC_URL})` : ''}`,
    `Using the ${databaseDescription(dataSource, config)}`,
  ];
  if (config.SEED_DEMO === 'true') {
    const demo = await dataSource.getRepository(User).find({ select: { email: true }, where: { email: Like('%@demo.test') }, order: { id: 'ASC' } });
    if (demo.length > 0) lines.push(`Demo accounts, password ${DEMO_PASSWORD}: ${demo.map((u) => u.email).join(', ')}`);
  }
  return lines;
}

/** SQLite's "database is locked": another connection holds a lock longer than the busy timeout. */
export function isSqliteBusy(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Starting again will not help: a locked SQLite file, or a PostgreSQL database that does not exist or refuses the user. */
export function isLastingStartUpFault(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return isSqliteBusy(error) || code === '3D000' || code === '28P01' || code === '28000';
}

/** What to tell an operator when the server cannot start: the cause in words, and what to do. */
export function startUpProblem(error: unknown, config: AppConfig): string {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e?.driverError?.code ?? e?.code;
  const message = e?.message ?? String(error);
  if (isSqliteBusy(error)) {
    return `The database file ${config.DATABASE_PATH} is locked by another process (another program holding a lock on it, or a restore under way). Stop that process, or point DATABASE_PATH at another file, and start again.`;
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000' || code === '28P01' || code === '28000') {
    return `Could not connect to the PostgreSQL database named by DATABASE_URL: ${message}. Check that the server runs, the database exists and the user may sign in.`;
  }
  if (code === 'EADDRINUSE') return `Port ${config.PORT} is already in use by another program: stop it, or set PORT to another port.`;
  return `The server could not start: ${message}`;
}
