import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { Actor, Scope, UserRole } from '../../src/auth/scope';
import { createTestApp, TestApp } from './app';

/**
 * Medium tests, as immich has them: the real services on a fresh SQLite database, called
 * directly with a real Scope (no HTTP), so a service's own rules and transactions are what is
 * tested. Records are made through the API client, as the e2e builders do.
 */
export interface Medium extends TestApp {
  /** A scope as the auth guard would build it for an account of this role. */
  scopeOf: (role: UserRole, organisationCode: string | null, staffEmployeeRef?: string | null) => Promise<Scope>;
  /** A file on disk, as multer leaves an upload. */
  upload: (name: string, text: string) => { path: string; originalname: string };
}

async function idOf(dataSource: DataSource, table: 'organisations' | 'staff', column: 'code' | 'employee_ref', value: string): Promise<number> {
  const [row] = await dataSource.query(`SELECT id FROM ${table} WHERE ${column} = ?`, [value]);
  if (!row) throw new Error(`No ${table} row with ${column} ${value}`);
  return Number(row.id);
}

export async function createMedium(): Promise<Medium> {
  const t = await createTestApp('sqlite');
  const files: string[] = [];
  let accounts = 0;
  return {
    ...t,
    scopeOf: async (role, organisationCode, staffEmployeeRef = null) => {
      const actor: Actor = {
        userId: 100_000 + ++accounts,
        email: `${role}-${accounts}@medium.test`,
        displayName: `Medium ${role}`,
        role,
        organisationId: organisationCode === null ? null : await idOf(t.dataSource, 'organisations', 'code', organisationCode),
        staffId: staffEmployeeRef ? await idOf(t.dataSource, 'staff', 'employee_ref', staffEmployeeRef) : null,
      };
      return Scope.of(actor);
    },
    upload: (name, text) => {
      const path = join(tmpdir(), `medium-${randomBytes(6).toString('hex')}-${name}`);
      writeFileSync(path, text);
      files.push(path);
      return { path, originalname: name };
    },
    close: async () => {
      for (const f of files) rmSync(f, { force: true });
      await t.close();
    },
  };
}
