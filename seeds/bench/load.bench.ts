/**
 * Load benchmark (issue 14): many people using the tracker at once. For each database and size, the
 * built server is started on the gap analysis bench's partnership (data/bench/, generated once) and
 * autocannon, in this process, keeps N virtual users busy for a fixed time (20 s a level) on loopback
 * with the mixed workload: staff search with varied words, a person's record page, the gap analysis
 * page of the whole partnership and My team, each user sending its next request as soon as the last
 * is answered. Pages are signed in with session cookies as a real browser is (a few sessions per
 * account, shared by the users). Reported: requests a second, p50 and p99 over every answer, errors
 * (anything but 200, refused connections, timeouts) and the server's peak resident memory; the gap
 * analysis alone under load against the hand-written floor measured in the same run.
 *
 * Then, on SQLite, a 100,000-row completions import into a copy of the database, while a health
 * check (/health/ready) and a staff list page are each asked again every 20 ms: the longest any of
 * them waited for its answer while the import wrote.
 *
 *   npm run bench -- load                          50,000 people, 10 and 50 users, SQLite and PostgreSQL
 *   npm run bench -- load --people 500000          (or --people 50000,500000)
 *   npm run bench -- load --users 10,50,100 --duration 30 --no-postgres
 *   npm run bench -- load --no-sqlite              PostgreSQL only (no import either: it is timed on SQLite)
 *   npm run bench -- load --quick                  SQLite only, 5 s a level, a 20,000-row import
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { loadavg } from 'node:os';
import { mkdirSync, mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Scope } from '../../src/auth/scope';
import type { UserRole } from '../../src/auth/scope';
import { loadConfig } from '../../src/config/app-config';
import { User } from '../../src/users/user.entity';
import { UsersService } from '../../src/users/users.service';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { benchToken, Case, envFor, floor, keptBuilt, prepare, staleCount, WINDOW_DAYS } from './gap-analysis.bench';
import { writeCompletionsFile } from './imports.bench';
import { median, RssSampler, startServer } from './support';

const PASSWORD = 'bench password that is long enough';
/** The workload: each kind of request with its share of the users. */
const KINDS = [
  { kind: 'search', share: 2, title: 'staff search' },
  { kind: 'record', share: 1, title: 'a record' },
  { kind: 'gap', share: 1, title: 'gap analysis' },
  { kind: 'team', share: 1, title: 'My team' },
] as const;
type Kind = (typeof KINDS)[number]['kind'];
/** Targets of issue 14 for 50 users on SQLite at 50,000 people (and PostgreSQL at least as good); reads during an import. */
const TARGET = { users: 50, reqPerSecond: 60, p99Ms: 1000, importWaitMs: 200 };
const POLL_MS = 20;

/** Who signs in for the workload, and what they ask for: made on the benchmark database once. */
interface Workload {
  coordinator: string;
  admin: string;
  managers: string[];
  /** People the coordinator may see, for their record pages. */
  personIds: number[];
  /** Words people type into the staff search: parts of names, emails and references. */
  searches: string[];
}

interface LevelFigures {
  users: number;
  seconds: number;
  requests: number;
  reqPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  peakRssMb: number;
  byKind: Record<Kind, { requests: number; p50: number; p99: number }>;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
const ms = (n: number) => (Number.isNaN(n) ? '-' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);
const list = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map((v) => Number(v.replace(/_/g, ''))) : fallback);

/** Makes (or finds) the bench accounts: an administrator, a coordinator of WCC, and managers of the five largest teams. */
async function prepareWorkload(env: Record<string, string>): Promise<Workload> {
  // No scheduled jobs: this context only makes accounts.
  const config = loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', ...env, SEED_DEMO: 'false', LOG_LEVEL: 'error', SCHEDULER: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error'] });
  try {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const users = app.get(UsersService);
    const account = async (email: string, role: UserRole, organisationCode: string | null, staffEmployeeRef: string | null) => {
      if (!(await dataSource.getRepository(User).findOneBy({ email }))) {
        await users.create(Scope.system(), { email, displayName: `Bench ${role}`, role, organisationCode, staffEmployeeRef, password: PASSWORD });
      }
      return email;
    };
    const admin = await account('bench.admin@example.gov.uk', 'admin', null, null);
    const coordinator = await account('bench.coordinator@example.gov.uk', 'coordinator', 'WCC', null);
    const leads = await dataSource.query<{ ref: string; org: string }[]>(
      `SELECT m.employee_ref AS ref, o.code AS org FROM staff m JOIN organisations o ON o.id = m.organisation_id
        WHERE m.id IN (SELECT manager_id FROM staff WHERE manager_id IS NOT NULL GROUP BY manager_id ORDER BY COUNT(*) DESC, manager_id LIMIT 5)
        ORDER BY m.id`,
    );
    const managers: string[] = [];
    for (const [i, lead] of leads.entries()) managers.push(await account(`bench.manager.${i + 1}@example.gov.uk`, 'manager', lead.org, lead.ref));
    // Everyone in WCC and below (its path is a prefix of theirs), every fiftieth, up to 1,000.
    const [wcc] = await dataSource.query<{ path: string }[]>(`SELECT path FROM organisations WHERE code = 'WCC'`);
    const people = await dataSource.query<{ id: number; first: string; last: string; email: string | null; ref: string }[]>(
      `SELECT s.id, s.first_name AS first, s.last_name AS last, s.email, s.employee_ref AS ref FROM staff s JOIN organisations o ON o.id = s.organisation_id
        WHERE o.path LIKE '${wcc.path}%' AND s.id % 50 = 0 ORDER BY s.id LIMIT 1000`,
    );
    const searches = people.map((p, i) =>
      [p.last.slice(0, 4), p.first, `${p.first} ${p.last.slice(0, 2)}`, (p.email ?? p.last).split('@')[0].slice(2, 8), p.ref.slice(-4)][i % 5].toLowerCase(),
    );
    return { coordinator, admin, managers, personIds: people.map((p) => Number(p.id)), searches };
  } finally {
    await app.close();
  }
}

/** Signs in through the sign-in page as a browser does (its CSRF token, then the form) and returns the cookies to send. */
async function signIn(base: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => res.headers.getSetCookie().forEach((c) => jar.set(c.split('=')[0], c.split(';')[0]));
  const page = await fetch(`${base}/sign-in`);
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('The sign-in page has no CSRF token');
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...jar.values()].join('; ') },
    body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }),
  });
  keep(res);
  if (res.status !== 303) throw new Error(`Signing in ${email} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return [...jar.values()].join('; ');
}

/** Each kind's next path and the cookie of the session it goes with, taken in turn. */
async function requestMaker(base: string, workload: Workload) {
  const sessions = {
    search: [await signIn(base, workload.coordinator), await signIn(base, workload.coordinator)],
    record: [await signIn(base, workload.coordinator)],
    gap: [await signIn(base, workload.admin)],
    team: await Promise.all(workload.managers.map((m) => signIn(base, m))),
  } satisfies Record<Kind, string[]>;
  const turn: Record<Kind, number> = { search: 0, record: 0, gap: 0, team: 0 };
  const path: Record<Kind, (n: number) => string> = {
    search: (n) => `/staff?search=${encodeURIComponent(workload.searches[n % workload.searches.length])}`,
    record: (n) => `/staff/${workload.personIds[(n * 7) % workload.personIds.length]}`,
    gap: () => `/reports/gap-analysis`,
    team: () => '/my-team',
  };
  return (kind: Kind) => {
    const n = turn[kind]++;
    return { path: path[kind](n), cookie: sessions[kind][n % sessions[kind].length] };
  };
}

/** One load level: `users` connections shared among the kinds by their share, for `seconds`. */
async function loadLevel(base: string, pid: number, workload: Workload, users: number, seconds: number): Promise<LevelFigures> {
  const next = await requestMaker(base, workload);
  // Each page once, to check it answers as it should before it is timed (and to warm the server up).
  for (const { kind } of KINDS) {
    const { path, cookie } = next(kind);
    const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status} before the load: ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  }
  const totalShare = KINDS.reduce((sum, k) => sum + k.share, 0);
  const connections = KINDS.map((k) => Math.max(1, Math.round((users * k.share) / totalShare)));
  connections[0] += users - connections.reduce((a, b) => a + b, 0);
  const latencies: Record<Kind, number[]> = { search: [], record: [], gap: [], team: [] };
  const memory = new RssSampler(pid);
  memory.start();
  const started = performance.now();
  const results = await Promise.all(
    KINDS.map(({ kind }, i) => new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({
        url: base,
        connections: connections[i],
        duration: seconds,
        timeout: 60,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const { path, cookie } = next(kind);
              return { ...req, path, headers: { ...req.headers, cookie } };
            },
          },
        ],
      }, (error, result) => (error ? reject(error) : resolve(result)));
      instance.on('response', (_client, _status, _bytes, responseTime) => latencies[kind].push(responseTime));
    })),
  );
  const elapsed = (performance.now() - started) / 1000;
  memory.stop();
  const all = Object.values(latencies).flat().sort((a, b) => a - b);
  const byKind = Object.fromEntries(
    KINDS.map(({ kind }) => {
      const sorted = latencies[kind].sort((a, b) => a - b);
      return [kind, { requests: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }];
    }),
  ) as LevelFigures['byKind'];
  return {
    users,
    seconds: elapsed,
    requests: all.length,
    reqPerSecond: all.length / elapsed,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
    peakRssMb: memory.peakMb,
    byKind,
  };
}

interface ImportWait {
  rows: number;
  importSeconds: number;
  /** After the import answered, until the kept compliance of everyone it touched was worked out again. */
  keptSeconds: number;
  created: number;
  /** longestMs over the whole time; duringImportMs until the import answered. */
  health: { polls: number; longestMs: number; duringImportMs: number };
  staffList: { polls: number; longestMs: number; duringImportMs: number };
}

/**
 * A completions import into a copy of the database while two reads are asked every 20 ms, and on
 * until the kept compliance of the people it touched is worked out again: how long the slowest waited.
 */
async function readsDuringImport(ctx: BenchContext, source: string, rows: number): Promise<ImportWait> {
  const dir = mkdtempSync(join(tmpdir(), 'load-bench-'));
  const database = join(dir, 'copy.sqlite');
  try {
    const original = new Database(source, { readonly: true });
    await original.backup(database);
    original.close();
    const copy = new Database(database, { readonly: true });
    const file = join(dir, 'completions.csv');
    await writeCompletionsFile(async (text) => copy.prepare(text).all() as { ref: string; employer: string }[], rows, file);
    copy.close();
    const env = { DATABASE_PATH: database, LOGIN_RATE_LIMIT: '1000' };
    const token = await benchToken(env);
    const server = await startServer(ctx.serverMain, env);
    try {
      const cookie = await signIn(server.base, 'bench.coordinator@example.gov.uk');
      let importSeconds = 0;
      const poll = (path: string, headers: Record<string, string>) => {
        const state = { polls: 0, longestMs: 0, duringImportMs: 0, running: true };
        const done = (async () => {
          while (state.running) {
            const started = performance.now();
            const res = await fetch(`${server.base}${path}`, { headers });
            await res.arrayBuffer();
            const took = performance.now() - started;
            if (!res.ok) throw new Error(`GET ${path} answered ${res.status} during the import`);
            state.polls++;
            state.longestMs = Math.max(state.longestMs, took);
            if (importSeconds === 0) state.duringImportMs = Math.max(state.duringImportMs, took);
            await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - took)));
          }
        })();
        return { state, stop: async () => ((state.running = false), await done) };
      };
      // Warm: the first staff list of a server reads its framework.
      await fetch(`${server.base}/staff`, { headers: { cookie } }).then((r) => r.arrayBuffer());
      const form = new FormData();
      form.append('file', await openAsBlob(file, { type: 'text/csv' }), 'completions.csv');
      const health = poll('/health/ready', {});
      const staffList = poll('/staff', { cookie });
      const started = performance.now();
      let res: Response;
      let body: { counts?: { created: number }; message?: unknown };
      let keptSeconds = 0;
      try {
        res = await fetch(`${server.base}/api/imports/completions`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
        body = (await res.json()) as typeof body;
        importSeconds = (performance.now() - started) / 1000;
        // The reads go on while the server's keeper works out the kept compliance of everyone the import touched.
        const kept = new Database(database, { readonly: true });
        try {
          // At most two minutes (a server built before the kept table, through BENCH_SERVER, never catches up).
          const deadline = performance.now() + 120_000;
          while (performance.now() < deadline && Number((kept.prepare('SELECT COUNT(*) AS n FROM compliance_stale').get() as { n: number }).n) > 0) {
            await new Promise((r) => setTimeout(r, 100));
          }
        } finally {
          kept.close();
        }
        keptSeconds = (performance.now() - started) / 1000 - importSeconds;
      } finally {
        await Promise.allSettled([health.stop(), staffList.stop()]);
      }
      // A poll that failed fails the bench.
      await health.stop();
      await staffList.stop();
      if (!res.ok) throw new Error(`The import answered ${res.status}: ${JSON.stringify(body.message ?? body).slice(0, 300)}`);
      return { rows, importSeconds, keptSeconds, created: body.counts!.created, health: health.state, staffList: staffList.state };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const loadBench: Bench = {
  name: 'load',
  description: 'Many users at once (staff search, a record, the gap analysis, My team) through autocannon, and reads during a 100,000-row import',
  async run(ctx: BenchContext): Promise<BenchResult> {
    mkdirSync(ctx.cacheDir, { recursive: true });
    const quick = ctx.flags.has('--quick');
    const sizes = list(ctx.options.get('--people'), [50_000]);
    const levels = list(ctx.options.get('--users'), [10, 50]);
    const seconds = Number(ctx.options.get('--duration') ?? (quick ? 5 : 20));
    const importRows = Number(ctx.options.get('--import-rows') ?? (quick ? 20_000 : 100_000));
    const databases = (['sqlite', 'postgres'] as const).filter((d) =>
      d === 'sqlite' ? !ctx.flags.has('--no-sqlite') || quick : !(quick || ctx.flags.has('--no-postgres')),
    );
    const rows: (string | number)[][] = [];
    const notes: string[] = [];
    let pass = true;
    const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
    notes.push(`Load average (1, 5, 15 min) at the start: ${load()}; ${seconds} s a level; users split 2:1:1:1 between staff search, a record, the gap analysis and My team.`);

    for (const staff of sizes) {
      for (const database of databases) {
        const c: Case = { database, staff, runs: 7, targetMs: null, targetRatio: null };
        const prepared = await prepare(c, ctx);
        const env = { ...envFor(c, ctx.cacheDir), LOGIN_RATE_LIMIT: '1000' };
        ctx.log(`load: ${database}, ${staff.toLocaleString('en-GB')} people: bench accounts`);
        const workload = await prepareWorkload(env);
        // Measured once the kept compliance is up to date, as a server in use keeps it: after the
        // generator (or a run stopped part-way) a server works it out first, reports meanwhile
        // answering from the raw tables while the keeper writes.
        const stale = await staleCount(c, env);
        if (stale > 0) {
          const server = await startServer(ctx.serverMain, env);
          try {
            ctx.log(`load: ${database}, ${staff.toLocaleString('en-GB')} people: the server works out the kept compliance of ${stale.toLocaleString('en-GB')} people first`);
            ctx.log(`load: done in ${(await keptBuilt(c, env)).toFixed(1)} s`);
          } finally {
            await server.stop();
          }
        }
        const name = `${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${staff.toLocaleString('en-GB')} people`;
        const figures: LevelFigures[] = [];
        for (const users of levels) {
          // A server of its own for each level, so its memory and caches are that level's.
          const server = await startServer(ctx.serverMain, env);
          try {
            ctx.log(`load: ${name}, ${users} users for ${seconds} s (load average ${load()})`);
            figures.push(await loadLevel(server.base, server.process.pid!, workload, users, seconds));
          } finally {
            await server.stop();
          }
          const f = figures[figures.length - 1];
          ctx.log(
            `load: ${f.reqPerSecond.toFixed(1)} req/s, p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, ${f.errors} errors, RSS ${Math.round(f.peakRssMb)} MB; ` +
              KINDS.map(({ kind, title }) => `${title} ${f.byKind[kind].requests} × p50 ${ms(f.byKind[kind].p50)} p99 ${ms(f.byKind[kind].p99)}`).join(', '),
          );
        }
        // The floor on the same database, straight after, with no server running.
        const floorMs = median((await floor(c, envFor(c, ctx.cacheDir), prepared.asOf, 7)).times);
        for (const f of figures) {
          const targeted = database === 'sqlite' && staff === 50_000 && f.users === TARGET.users;
          const met = f.reqPerSecond >= TARGET.reqPerSecond && f.p99 < TARGET.p99Ms && f.errors === 0;
          if (targeted) pass &&= met;
          const gap = f.byKind.gap.p50;
          rows.push([
            name,
            f.users,
            f.reqPerSecond.toFixed(1),
            ms(f.p50),
            ms(f.p99),
            f.errors,
            Math.round(f.peakRssMb),
            `${ms(gap)} (${(gap / floorMs).toFixed(1)}x floor ${ms(floorMs)})`,
            targeted ? `>= ${TARGET.reqPerSecond} req/s, p99 < ${ms(TARGET.p99Ms)}` : '',
            targeted ? (met ? 'PASS' : 'FAIL') : '',
          ]);
        }
        if (database === 'sqlite') {
          ctx.log(`load: ${name}: reads every ${POLL_MS} ms during a ${importRows.toLocaleString('en-GB')}-row import (load average ${load()})`);
          const wait = await readsDuringImport(ctx, envFor(c, ctx.cacheDir).DATABASE_PATH, importRows);
          const longest = Math.max(wait.health.longestMs, wait.staffList.longestMs);
          const met = longest <= TARGET.importWaitMs;
          pass &&= met;
          rows.push([
            `${name}, during a ${importRows.toLocaleString('en-GB')}-row import (${wait.importSeconds.toFixed(1)} s, then ${wait.keptSeconds.toFixed(1)} s keeping compliance)`,
            'polls',
            '',
            '',
            '',
            0,
            '',
            `longest wait: /health/ready ${ms(wait.health.longestMs)} (${wait.health.polls} polls; ${ms(wait.health.duringImportMs)} while the import wrote), staff list ${ms(wait.staffList.longestMs)} (${wait.staffList.polls} polls; ${ms(wait.staffList.duringImportMs)})`,
            `<= ${TARGET.importWaitMs} ms`,
            met ? 'PASS' : 'FAIL',
          ]);
        }
      }
    }
    notes.push(`Load average (1, 5, 15 min) at the end: ${load()}.`);
    notes.push('req/s: answers a second over the level; p50/p99: of every answer, measured at the client; errors: answers other than 200, refused connections, timeouts.');
    notes.push(`gap analysis: the p50 of the gap analysis page under that load, against the floor (seeds/bench/gap-analysis.floor.ts, ${WINDOW_DAYS}-day window) on its own connection.`);
    return {
      name: 'Load: many users at once (autocannon on loopback, the built server)',
      table: { columns: ['case', 'users', 'req/s', 'p50', 'p99', 'errors', 'server RSS peak MB', 'gap analysis p50 (x floor)', 'targets', 'result'], rows },
      pass,
      notes,
    };
  },
};
