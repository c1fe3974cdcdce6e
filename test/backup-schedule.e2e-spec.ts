import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler } from '../src/jobs/scheduler';
import { toUtcMillis } from '../src/sessions/session-times';
import { backupProblem, KNOWN_MIGRATIONS, listBackups } from '../src/operations/sqlite-backup';
import { createTestApp, TestApp } from './support/app';
import { organisation, person, role } from './support/builders';

/** Times in London (TIME_ZONE), as BACKUP_SCHEDULE reads them, in summer time and ahead of the clock as the job leases expect. */
const at = (day: number, hours: number, minutes = 0) => new Date(toUtcMillis(`2040-07-0${day}T${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`, 'Europe/London'));

describe('The daily backup (BACKUP_SCHEDULE) on two servers sharing one SQLite database', () => {
  let a: TestApp;
  let b: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-scheduled-backups-'));
    const settings = { BACKUP_SCHEDULE: '02:00', BACKUP_DIR: dir, TIME_ZONE: 'Europe/London' };
    a = await createTestApp('sqlite', settings);
    b = await createTestApp('sqlite', { ...settings, DATABASE_PATH: String(a.dataSource.options.database) });
    const http = a.http();
    await organisation(http, 'BAK', null, { isEmployer: true });
    await role(http, 'ALL');
    await person(http, { employeeRef: 'B1', organisationCode: 'BAK' });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Both servers' schedulers look for the due backup at the same moment. */
  const bothAt = (now: Date) => Promise.all([a, b].map((t) => t.app.get(Scheduler).runNow('daily-backup', now, false)));

  it('is taken once a day, after its time, by one of the servers only', async () => {
    await bothAt(at(1, 1, 30));
    expect(listBackups(dir)).toEqual([]);

    // One server takes the job; the other finds it taken.
    // 02:30 in London is 01:30 UTC: due by London time, as TIME_ZONE says.
    expect((await bothAt(at(1, 2, 30))).filter((ran) => ran)).toHaveLength(1);
    const first = listBackups(dir);
    expect(first.map((f) => f.slice(dir.length + 1))).toEqual(['tracker-20400701T013000Z.sqlite']);
    expect(backupProblem(first[0], KNOWN_MIGRATIONS)).toBeNull();

    // Later the same day, on either server: nothing more.
    expect(await bothAt(at(1, 3, 30))).toContain(true);
    await bothAt(at(1, 23, 50));
    expect(listBackups(dir)).toEqual(first);

    await bothAt(at(2, 2, 10));
    expect(listBackups(dir)).toHaveLength(2);
    // Only finished backups are in the folder: no partial copy left behind.
    expect(readdirSync(dir).sort()).toEqual(listBackups(dir).map((f) => f.slice(dir.length + 1)));
  });
});

describe('Jobs due at the same moment on one SQLite server', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp('sqlite')));
  afterAll(() => t.close());

  it('each run in a transaction of their own, side by side (they used to share one and fail: "cannot start a transaction within a transaction")', async () => {
    const scheduler = t.app.get(Scheduler);
    const writes = (name: string) => ({
      name,
      everyMs: 60_000,
      once: false,
      run: () =>
        t.dataSource.transaction(async (m) => {
          await m.query("INSERT INTO app_settings (key, value) VALUES (?, 'x')", [name]);
          // Still open when the other job begins: on SQLite it waits for this one to commit.
          await new Promise((resolve) => setTimeout(resolve, 200));
        }),
    });
    scheduler.add(writes('test-job-a'));
    scheduler.add(writes('test-job-b'));
    const ran = await Promise.all([scheduler.runNow('test-job-a'), scheduler.runNow('test-job-b')]);
    expect(ran).toEqual([true, true]);
    const rows = await t.dataSource.query("SELECT key FROM app_settings WHERE key LIKE 'test-job-%' ORDER BY key");
    expect(rows.map((r: { key: string }) => r.key)).toEqual(['test-job-a', 'test-job-b']);
  });
});
