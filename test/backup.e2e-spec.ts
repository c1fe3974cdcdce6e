import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupProblem, backupSqlite, KNOWN_MIGRATIONS, listBackups, restoreSqlite } from '../src/operations/sqlite-backup';
import { createTestApp, databaseKinds, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';
import { onPostgres, POSTGRES_URL } from './support/postgres';

const GAP = '/api/reports/gap-analysis?organisation=OPS&asOf=2026-01-15';

/** A small partnership: two social workers who need L1, one of them trained. */
async function partnership(t: TestApp): Promise<void> {
  const http = t.http();
  await organisation(http, 'OPS', null, { isEmployer: true });
  await role(http, 'SW');
  await requirement(http, 'SW', 'L1');
  await person(http, { employeeRef: 'E1', organisationCode: 'OPS', roleCodes: ['SW'] });
  await person(http, { employeeRef: 'E2', organisationCode: 'OPS', roleCodes: ['SW'] });
  await completion(http, 'E1', 'L1', '2025-03-01');
}

const figures = async (t: TestApp) => (await t.http().get(GAP).expect(200)).body;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `npm run backup` as a process of its own (the CLI's TypeScript run as tests run it). */
function backupProcess(env: Record<string, string>, preload: string[] = []) {
  return spawn(process.execPath, ['-r', './test/support/swc-register.js', ...preload.flatMap((p) => ['-r', p]), 'src/operations/backup.cli.ts'], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('SQLite backups and restore', () => {
  let folder: string;
  let database: string;
  let backups: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'tracker-backup-'));
    database = join(folder, 'tracker.sqlite');
    backups = join(folder, 'backups');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('a backup taken while the server runs, restored into the stopped server, brings back exactly its figures', async () => {
    let t = await createTestApp('sqlite', { DATABASE_PATH: database });
    await partnership(t);
    const before = await figures(t);
    const { file } = await backupSqlite({ database, dir: backups, keep: 3, knownMigrations: KNOWN_MIGRATIONS });
    expect(backupProblem(file, KNOWN_MIGRATIONS)).toBeNull();

    await completion(t.http(), 'E2', 'L1', '2025-06-01');
    expect(await figures(t)).not.toEqual(before);
    expect(() => restoreSqlite({ file, database, knownMigrations: KNOWN_MIGRATIONS })).toThrow(/is in use: stop the server/);
    await t.app.close();

    const { keptAs } = restoreSqlite({ file, database, knownMigrations: KNOWN_MIGRATIONS });
    expect(keptAs && existsSync(keptAs)).toBe(true);
    t = await createTestApp('sqlite', { DATABASE_PATH: database });
    try {
      expect(await figures(t)).toEqual(before);
    } finally {
      await t.app.close();
    }
  });

  it('keeps the last BACKUP_KEEP backups, newest kept', async () => {
    const t = await createTestApp('sqlite', { DATABASE_PATH: database });
    await t.app.close();
    const at = (hour: number) => new Date(Date.UTC(2026, 11, 1, hour));
    for (const hour of [1, 2, 3]) await backupSqlite({ database, dir: backups, keep: 2, knownMigrations: KNOWN_MIGRATIONS, now: at(hour) });
    expect(listBackups(backups).map((f) => f.slice(backups.length + 1))).toEqual(['tracker-20261201T020000Z.sqlite', 'tracker-20261201T030000Z.sqlite']);
  });

  it('refuses to restore a damaged file, or one with migrations this version does not know', async () => {
    const t = await createTestApp('sqlite', { DATABASE_PATH: database });
    await t.app.close();
    const { file } = await backupSqlite({ database, dir: backups, keep: 3, knownMigrations: KNOWN_MIGRATIONS });
    const damaged = join(folder, 'damaged.sqlite');
    writeFileSync(damaged, randomBytes(8192));
    expect(() => restoreSqlite({ file: damaged, database, knownMigrations: KNOWN_MIGRATIONS })).toThrow(/is not a SQLite database this version can read/);
    const newer = join(folder, 'newer.sqlite');
    copyFileSync(file, newer);
    const db = new Database(newer);
    db.prepare('INSERT INTO migrations (timestamp, name) VALUES (?, ?)').run(1999999999999, 'FromTheFuture1999999999999');
    db.close();
    expect(() => restoreSqlite({ file: newer, database, knownMigrations: KNOWN_MIGRATIONS })).toThrow(/newer version of the tracker .*FromTheFuture1999999999999/);
    expect(sha(database)).not.toEqual(sha(newer));
  });

  it('a backup killed part-way (kill -9) leaves the earlier backups as they were and no damaged backup', async () => {
    const t = await createTestApp('sqlite', { DATABASE_PATH: database });
    await t.app.close();
    // Some 8 MB (about 2,000 pages), so a copy of its first 100 pages is well short of the whole.
    const db = new Database(database);
    db.exec('CREATE TABLE ballast (b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO ballast SELECT randomblob(4000) FROM n;');
    db.close();
    const env = { DATABASE_PATH: database, BACKUP_DIR: backups, BACKUP_KEEP: '5' };
    const first = backupProcess(env);
    let said = '';
    first.stdout.on('data', (c) => (said += c));
    expect(await new Promise((resolve) => first.on('exit', resolve))).toBe(0);
    expect(said).toMatch(/Backed up to .*tracker-\d{8}T\d{6}Z\.sqlite \(\d+\.\d MB, integrity checked\)/);
    const [earlier] = listBackups(backups);
    const earlierHash = sha(earlier);

    // The second backup stops part-way through its copy (test/support/pause-backup.js), and is killed there.
    const killed = backupProcess(env, ['./test/support/pause-backup.js']);
    const paused = await new Promise<string>((resolve) => killed.stdout.on('data', (c) => /Paused at/.test(String(c)) && resolve(String(c))));
    const [copied, total] = (/Paused at (\d+) of (\d+) pages/.exec(paused) ?? []).slice(1).map(Number);
    expect(copied).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(copied * 10);
    killed.kill('SIGKILL');
    expect(await new Promise((resolve) => killed.on('exit', (_code, signal) => resolve(signal)))).toBe('SIGKILL');

    // The earlier backup is as it was; nothing with a backup's name was written, only the partial copy.
    expect(listBackups(backups)).toEqual([earlier]);
    expect(sha(earlier)).toBe(earlierHash);
    expect(backupProblem(earlier, KNOWN_MIGRATIONS)).toBeNull();
    const left = readdirSync(backups).filter((name) => !listBackups(backups).includes(join(backups, name)));
    expect(left.length).toBeGreaterThan(0);
    for (const name of left) expect(name).toMatch(/^\.tracker-\d{8}T\d{6}Z\.sqlite\.partial(-journal|-wal|-shm)?$/);
  });
});

// PostgreSQL runs wherever the other suites run it (always under CI).
if (databaseKinds().includes('postgres')) describe('PostgreSQL backups (pg_dump and pg_restore)', () => {
  it('a dump restored into an empty database serves exactly the same figures', async () => {
    const t = await createTestApp('postgres');
    const database = `tracker_restore_${randomBytes(4).toString('hex')}`;
    const dump = join(tmpdir(), `${database}.dump`);
    let restored: TestApp | undefined;
    try {
      await partnership(t);
      const before = await figures(t);
      const schema = String((t.dataSource.options as { schema?: string }).schema);
      execFileSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dump}`, POSTGRES_URL]);
      await onPostgres(`CREATE DATABASE ${database}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;
      // A dump of one schema leaves out the pg_trgm extension (it lives in public), as README says.
      execFileSync('psql', [url.toString(), '-q', '-c', 'CREATE EXTENSION IF NOT EXISTS pg_trgm']);
      execFileSync('pg_restore', ['--no-owner', `--dbname=${url}`, dump]);
      restored = await createTestApp('postgres', { DATABASE_URL: url.toString(), DATABASE_SCHEMA: schema });
      expect(await figures(restored)).toEqual(before);
    } finally {
      await restored?.close();
      await t.close();
      rmSync(dump, { force: true });
      await onPostgres(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  });
});
