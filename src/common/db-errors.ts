import { QueryFailedError } from 'typeorm';

/** Recognises constraint violations from either driver, so races answer 409 rather than 500. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const e = error as QueryFailedError & { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const e = error as QueryFailedError & { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** The disk holding the database (or a file being written) is full: SQLite's SQLITE_FULL, PostgreSQL's disk_full, ENOSPC. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error as { code?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.code === 'SQLITE_FULL' || e.code === '53100' || e.code === 'ENOSPC') return true;
    const driver = e.driverError as { code?: unknown } | undefined;
    if (driver?.code === 'SQLITE_FULL' || driver?.code === '53100' || driver?.code === 'ENOSPC') return true;
    e = e.cause as typeof e;
  }
  return false;
}
