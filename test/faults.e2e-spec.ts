import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, role } from './support/builders';

const HEADER = 'employee_ref,first_name,last_name,email,organisation_code,roles,manager_employee_ref,start_date,end_date';

describeEachDatabase('Readiness before the migrations have run', (kind) => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp(kind)));
  afterAll(async () => t?.close());

  it('is 503 while the database lacks a migration of this version, and 200 once it has run', async () => {
    // The database as it was before this version's last migration (a server started on it with
    // migrations still to run, or one restored from an older backup under a running server).
    await t.dataSource.undoLastMigration({ transaction: 'all' });
    const notReady = await t.anonymous().get('/health/ready').set('Accept', 'application/json').expect(503);
    expect(notReady.body.message).toBe('The database migrations have not all run');
    await t.anonymous().get('/health/live').expect(200);

    await t.dataSource.runMigrations({ transaction: 'each' });
    await t.anonymous().get('/health/ready').set('Accept', 'application/json').expect(200);
  });
});

/** Fills the file system holding `dir` but for about `leaveBytes`. */
function fill(dir: string, leaveBytes: number): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  execFileSync('truncate', ['-s', `-${leaveBytes}`, filler]);
  return filler;
}

describe('A full disk during an import [sqlite]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-full-disk-'));
  let t: TestApp | undefined;

  beforeAll(async () => {
    // A small file system of its own for the database (the tests run as root, as CI does).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir]);
    t = await createTestApp('sqlite', { DATABASE_PATH: join(dir, 'tracker.sqlite') });
    await organisation(t.http(), 'DSK', null, { isEmployer: true });
    await role(t.http(), 'ALL');
  });
  afterAll(async () => {
    await t?.app.close();
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 507 in plain words and writes nothing; the same file imports once there is space', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `D${i},Dana,Smith${i},,DSK,ALL,,2024-04-01,`);
    const file = Buffer.from([HEADER, ...rows, ''].join('\r\n'));
    const staff = async () => Number((await t!.dataSource.query('SELECT COUNT(*) AS n FROM staff'))[0].n);

    // Write-ahead log folded into the database, then the disk filled but for 200 KB: the import
    // starts, and runs out of space part-way through its rows.
    await t!.dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const filler = fill(dir, 200 * 1024);
    const full = await t!.http().post('/api/imports/staff').attach('file', file, 'staff.csv').expect(507);
    expect(full.body.message).toBe('The server has run out of disk space, so nothing was saved. Tell your administrator, and try again once they have made space.');

    rmSync(filler);
    expect(await staff()).toBe(0);
    expect((await t!.dataSource.query('PRAGMA integrity_check'))[0].integrity_check).toBe('ok');
    const imported = await t!.http().post('/api/imports/staff').attach('file', file, 'staff.csv').expect(201);
    expect(imported.body.status).toBe('completed');
    expect(await staff()).toBe(3000);
  });
});
