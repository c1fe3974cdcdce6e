import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, databaseKinds } from './support/app';
import { POSTGRES_URL } from './support/postgres';
import { serverThatCannotStart } from './support/server-process';

describe('A server that cannot start says why in one sentence', () => {
  it('[sqlite] the database file locked by another process', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tracker-locked-'));
    const file = join(folder, 'tracker.sqlite');
    const t = await createTestApp('sqlite', { DATABASE_PATH: file });
    await t.app.close();
    // This test's own process holds the file locked, as a sqlite3 shell or another program might.
    const other = new Database(file);
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const { code, output } = await serverThatCannotStart({ DATABASE_PATH: file });
      expect(code).toBe(1);
      expect(output).toContain(`The database file ${file} is locked by another process`);
      // The last thing it says, where an operator looks first.
      expect(output.trim().split('\n').at(-2)).toMatch(/^The database file .* is locked by another process/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  if (databaseKinds().includes('postgres')) {
    it('[postgres] no such database on the server DATABASE_URL names', async () => {
      const url = new URL(POSTGRES_URL);
      url.pathname = '/no_such_tracker_database';
      const { code, output } = await serverThatCannotStart({ DATABASE_URL: url.toString() });
      expect(code).toBe(1);
      expect(output.trim().split('\n').at(-2)).toMatch(/^Could not connect to the PostgreSQL database named by DATABASE_URL: database "no_such_tracker_database" does not exist/);
    });
  }
});
