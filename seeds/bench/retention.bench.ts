/**
 * Retention run benchmark (issue 17): the real server (dist/src/main.js) on SQLite with 500,000
 * people with two completions each, 50,000 of them leavers past the six-year period (a note on a
 * completion each; half of them with signed feedback, a booking request, a sign-in link and a
 * message in the outbox). The run is started through the API (POST /api/data-protection/retention/run, as the
 * "Run now" button does) and timed; meanwhile a client asks /health/ready and a person's record
 * page, and the longest wait of each is the figure that says whether the server
 * kept answering (on SQLite every statement holds the process's one connection, so the run is
 * made in batches of 500 people, each its own transaction). Each is asked every 100 ms.
 *
 *   npm run bench -- retention                    500,000 people, 50,000 to anonymise
 *   npm run bench -- retention --people 100000    another size (a tenth of them to anonymise)
 *   npm run bench -- retention --quick            50,000 people
 *
 * The seeded database is kept in data/bench/retention-<people>.sqlite and copied for each run.
 * Targets: the run under 30 s; no request waits more than 1 s while it runs.
 */
import 'reflect-metadata';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { addMonths, todayIso } from '../../src/common/dates';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { benchToken } from './gap-analysis.bench';
import { startServer } from './support';

const TARGET_SECONDS = 30;
const TARGET_WAIT_MS = 1000;
/** How often each of the two requests is asked during the run (as a few people using the tracker would). */
const PACE_MS = 100;
const AUTHORITIES = 10;
const TEAMS = 10;

/** 500,000 people in 111 organisations, a tenth of them leavers past six years, with what retention removes. */
async function seed(path: string, people: number, log: (line: string) => void): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const dataSource = new DataSource({ ...databaseOptions(loadConfig({ DATABASE_PATH: path, DATABASE_URL: '', LOG_LEVEL: 'error' })), logging: false });
  await dataSource.initialize();
  const started = performance.now();
  try {
    const q = (text: string, params: unknown[] = []) => dataSource.query(text, params);
    await q('BEGIN');
    await q("INSERT INTO organisations (id, code, name, sector, parent_id, is_employer, path, depth) VALUES (1, 'RP', 'Retention Partnership', 'other', NULL, 1, '/1/', 0)");
    let id = 1;
    for (let a = 1; a <= AUTHORITIES; a++) {
      const authority = ++id;
      await q("INSERT INTO organisations (id, code, name, sector, parent_id, is_employer, path, depth) VALUES (?, ?, ?, 'local_authority', 1, 1, ?, 1)", [authority, `A${a}`, `Authority ${a}`, `/1/${authority}/`]);
      for (let t = 1; t <= TEAMS; t++) {
        const team = ++id;
        await q("INSERT INTO organisations (id, code, name, sector, parent_id, is_employer, path, depth) VALUES (?, ?, ?, 'local_authority', ?, 0, ?, 2)", [team, `A${a}-T${t}`, `Authority ${a} team ${t}`, authority, `/1/${authority}/${team}/`]);
      }
    }
    // The closure table from the paths: every organisation with itself and each one above it.
    await q(`INSERT INTO organisation_closure (ancestor_id, descendant_id, depth)
             SELECT a.id, d.id, d.depth - a.depth FROM organisations a JOIN organisations d ON d.path LIKE a.path || '%'`);
    await q("INSERT INTO roles (code, name) VALUES ('ALL', 'All staff')");
    await q("INSERT INTO requirements (role_id, level_id, grace_days) SELECT r.id, l.id, 90 FROM roles r, levels l WHERE r.code = 'ALL' AND l.code = 'L1'");
    const today = todayIso();
    const longGone = addMonths(today, -12 * 7);
    const recentlyGone = addMonths(today, -12 * 2);
    // Every tenth person left seven years ago (due), every tenth but one two years ago (kept); the rest are in post.
    await q(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO staff (id, employee_ref, first_name, last_name, email, organisation_id, employer_id, manager_id, start_date, end_date, job_title)
       SELECT i, 'E' || i, 'First' || i, 'Last' || i, 'person' || i || '@example.gov.uk', 2 + (i % ?), 1,
              CASE WHEN i > 10 AND i % 10 <> 0 THEN i - 1 ELSE NULL END, '2010-01-04',
              CASE WHEN i % 10 = 0 THEN ? WHEN i % 10 = 1 THEN ? ELSE NULL END, 'Officer'
       FROM n`,
      [people, AUTHORITIES * (TEAMS + 1), longGone, recentlyGone],
    );
    // Each person's employer is the authority they are in or under.
    await q('UPDATE staff SET employer_id = (SELECT o.parent_id FROM organisations o WHERE o.id = staff.organisation_id AND o.depth = 2) WHERE organisation_id IN (SELECT id FROM organisations WHERE depth = 2)');
    await q('UPDATE staff SET employer_id = organisation_id WHERE organisation_id IN (SELECT id FROM organisations WHERE depth = 1)');
    await q("INSERT INTO staff_roles (staff_id, role_id) SELECT s.id, r.id FROM staff s, roles r WHERE r.code = 'ALL'");
    await q(`INSERT INTO completions (staff_id, level_id, completed_on, source, evidence)
             SELECT s.id, l.id, '2009-06-01', 'manual', CASE WHEN s.id % 10 = 0 THEN 'Certificate seen by First' || s.id || '''s manager' ELSE NULL END
             FROM staff s JOIN levels l ON l.code = 'L1'`);
    await q(`INSERT INTO completions (staff_id, level_id, completed_on, source) SELECT s.id, l.id, '2012-06-01', 'manual' FROM staff s JOIN levels l ON l.code = 'L1'`);
    await q(`INSERT INTO training_sessions (id, level_id, title, starts_at, ends_at, host_organisation_id, capacity, status)
             SELECT 1, id, 'WRAP 2015', '2015-03-02T09:30', '2015-03-02T12:30', 2, 5000000, 'delivered' FROM levels WHERE code = 'L2'`);
    await q(`INSERT INTO session_feedback (session_id, staff_id, overall_rating, comments) SELECT 1, id, 4, 'Useful' FROM staff WHERE id % 20 = 0`);
    await q(`INSERT INTO booking_requests (staff_id, session_id) SELECT id, 1 FROM staff WHERE id % 20 = 0`);
    await q(`INSERT INTO sign_in_links (staff_id, token_hash, expires_at) SELECT id, 'h' || id, '2099-01-01T00:00:00.000Z' FROM staff WHERE id % 20 = 0`);
    await q(`INSERT INTO outbox_messages (message_key, kind, to_address, subject, body, person_id, state, next_attempt_at)
             SELECT 'bench-' || id, 'test', email, 'Your Prevent training', 'Dear First' || id, id, 'sent', '2019-01-01T00:00:00.000Z' FROM staff WHERE id % 20 = 0`);
    await q('COMMIT');
    await q('PRAGMA wal_checkpoint(TRUNCATE)');
    log(`retention: seeded ${people.toLocaleString('en-GB')} people in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await dataSource.destroy();
  }
}

interface Waits {
  count: number;
  longestMs: number;
  totalMs: number;
  /** Requests that failed (a refused or reset connection, an error status). */
  failed: number;
}

/** Asks `url` every PACE_MS (or as soon as the last answer came, if later) until `stop()` says so, noting how long each answer took. */
async function keepAsking(url: string, headers: Record<string, string>, stop: () => boolean): Promise<Waits> {
  const waits: Waits = { count: 0, longestMs: 0, totalMs: 0, failed: 0 };
  let next = performance.now();
  while (!stop()) {
    const pause = next - performance.now();
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    next = performance.now() + PACE_MS;
    const started = performance.now();
    const ok = await fetch(url, { headers }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.ok;
      },
      () => false,
    );
    if (!ok) waits.failed++;
    const ms = performance.now() - started;
    waits.count++;
    waits.totalMs += ms;
    waits.longestMs = Math.max(waits.longestMs, ms);
  }
  return waits;
}

export async function runRetentionBench(ctx: BenchContext): Promise<BenchResult> {
  const people = Number(ctx.options.get('--people') ?? (ctx.flags.has('--quick') ? 50_000 : 500_000));
  if (!Number.isInteger(people) || people < 100) throw new Error('--people must be a whole number of at least 100');
  mkdirSync(ctx.cacheDir, { recursive: true });
  const source = join(ctx.cacheDir, `retention-${people}.sqlite`);
  if (!existsSync(source) || ctx.flags.has('--fresh')) {
    ctx.log(`retention: seeding ${people.toLocaleString('en-GB')} people (kept in ${ctx.cacheDir} for next time)`);
    await seed(source, people, ctx.log);
  }
  const copy = join(ctx.cacheDir, `retention-${people}-run.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(copy + suffix, { force: true });
    if (existsSync(source + suffix)) copyFileSync(source + suffix, copy + suffix);
  }
  const env = { DATABASE_PATH: copy };
  // No scheduled jobs in the short-lived app that makes the token: the retention job would run there first.
  const token = await benchToken({ ...env, SCHEDULER: 'off' });
  const server = await startServer(ctx.serverMain, env);
  try {
    const auth = { Authorization: `Bearer ${token}` };
    const due = (await (await fetch(`${server.base}/api/data-protection/retention/due`, { headers: auth })).json()) as { total: number };
    // A person's record (someone in post): a staff page every user opens, cheap enough that asking it does not itself slow the run.
    const staffPage = `${server.base}/staff/2`;
    // Warm up, and the waits when nothing else runs.
    await keepAsking(`${server.base}/health/ready`, {}, (() => { let n = 0; return () => n++ >= 5; })());
    const idleStart = performance.now();
    const idleReady = await keepAsking(`${server.base}/health/ready`, {}, () => performance.now() - idleStart > 2000);
    const idleStaff = await keepAsking(staffPage, { ...auth, Accept: 'text/html' }, () => performance.now() - idleStart > 4000);
    const loadBefore = loadavg()[0];
    let running = true;
    const started = performance.now();
    const run = fetch(`${server.base}/api/data-protection/retention/run`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' })
      .then(async (res) => {
        if (!res.ok) throw new Error(`The run answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { people: number; batches: number; seconds: number };
      })
      .finally(() => {
        running = false;
      });
    const [result, ready, staff] = await Promise.all([run, keepAsking(`${server.base}/health/ready`, {}, () => !running), keepAsking(staffPage, { ...auth, Accept: 'text/html' }, () => !running)]);
    const seconds = (performance.now() - started) / 1000;
    const loadAfter = loadavg()[0];
    const again = (await (await fetch(`${server.base}/api/data-protection/retention/due`, { headers: auth })).json()) as { total: number };
    const expected = Math.floor(people / 10);
    const pass = seconds < TARGET_SECONDS && result.people === expected && due.total === expected && again.total === 0 && ready.longestMs < TARGET_WAIT_MS && staff.longestMs < TARGET_WAIT_MS && ready.failed + staff.failed === 0;
    ctx.log(`retention: ${result.people} anonymised in ${seconds.toFixed(2)} s (${result.batches} batches); longest waits: ready ${ready.longestMs.toFixed(0)} ms, staff page ${staff.longestMs.toFixed(0)} ms`);
    const ms = (w: Waits) => `${w.longestMs.toFixed(0)} (mean ${(w.totalMs / Math.max(1, w.count)).toFixed(0)}, ${w.count} asked${w.failed ? `, ${w.failed} failed` : ''})`;
    return {
      name: `Retention run, ${people.toLocaleString('en-GB')} people, ${expected.toLocaleString('en-GB')} to anonymise, SQLite, through the server`,
      table: {
        columns: ['people', 'anonymised', 'batches', 'run seconds', '/health/ready longest ms', 'staff page longest ms', 'idle: ready / staff page longest ms', 'target', 'result'],
        rows: [
          [
            people,
            result.people,
            result.batches,
            seconds.toFixed(2),
            ms(ready),
            ms(staff),
            `${idleReady.longestMs.toFixed(0)} / ${idleStaff.longestMs.toFixed(0)}`,
            `< ${TARGET_SECONDS} s, waits < ${TARGET_WAIT_MS} ms`,
            pass ? 'PASS' : 'FAIL',
          ],
        ],
      },
      pass,
      notes: [
        `Before the run ${due.total} were due (dry run); after it ${again.total}.`,
        `Each request was asked every ${PACE_MS} ms (or as soon as its last answer came) while the run went on: the longest wait is how long the server kept someone waiting.`,
        `Machine load (1-minute average, ${cpus().length} cores) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)}: other work on the machine slows the figures.`,
      ],
    };
  } finally {
    await server.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
  }
}

export const retentionBench: Bench = {
  name: 'retention',
  description: 'The retention run for 500,000 people with 50,000 to anonymise (--people N for another size), and how long the server keeps others waiting meanwhile',
  run: runRetentionBench,
};
