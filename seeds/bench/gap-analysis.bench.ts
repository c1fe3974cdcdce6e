/**
 * Gap analysis benchmark (issue 4). For each case: a partnership made by seeds/generator.ts (kept
 * in data/bench/ between runs), the built server started on it as a child process, the whole
 * partnership's gap analysis fetched through HTTP again and again (median), the server's memory
 * sampled meanwhile; then the floor, the fastest hand-written statement for the same figures,
 * run straight on the same database (gap-analysis.floor.ts), and the ratio of the two.
 * Targets: 50,000 people on SQLite under 150 ms and within 2x of the floor; 500,000 under 1.5 s;
 * server memory under 300 MB.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Scope } from '../../src/auth/scope';
import { addDays, todayIso } from '../../src/common/dates';
import { STATUSES } from '../../src/compliance/rules';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import { TokensService } from '../../src/users/tokens.service';
import { User } from '../../src/users/user.entity';
import { UsersService } from '../../src/users/users.service';
import { generatePartnership } from '../generator';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { FloorFramework, postgresFloor, sqliteFloor, totalsOf } from './gap-analysis.floor';
import { median, RssSampler, startServer, timeRuns } from './support';

export const WINDOW_DAYS = 90;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Case {
  database: 'sqlite' | 'postgres';
  staff: number;
  runs: number;
  targetMs: number | null;
  targetRatio: number | null;
}

const CASES: Case[] = [
  { database: 'sqlite', staff: 50_000, runs: 21, targetMs: 150, targetRatio: 2 },
  { database: 'sqlite', staff: 500_000, runs: 7, targetMs: 1500, targetRatio: null },
  { database: 'postgres', staff: 50_000, runs: 15, targetMs: null, targetRatio: null },
];
const TARGET_RSS_MB = 300;

/** What we know about a generated database, kept beside it so it can be reused. */
export interface Prepared {
  staff: number;
  asOf: string;
  completions: number;
  generatedAt: string;
}

/**
 * HOOK for the lead: the bearer token the benchmark's requests carry. It makes (or reuses) an
 * administrator account on the benchmark database and issues it an API token, through the app's
 * own services; change this if sign-in for scripts works differently.
 */
export async function benchToken(env: Record<string, string>): Promise<string | null> {
  const config = loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', ...env, SEED_DEMO: 'false', LOG_LEVEL: 'error', SCHEDULER: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error'] });
  try {
    const email = 'bench.admin@example.gov.uk';
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const existing = await dataSource.getRepository(User).findOneBy({ email });
    const user =
      existing ??
      (
        await app.get(UsersService).create(Scope.system(), {
          email,
          displayName: 'Bench administrator',
          role: 'admin',
          organisationCode: null,
          staffEmployeeRef: null,
          password: 'bench password that is long enough',
        })
      ).user;
    return (await app.get(TokensService).issue(user.id, 'gap analysis bench')).token;
  } finally {
    await app.close();
  }
}

export function envFor(c: Case, cacheDir: string): Record<string, string> {
  return c.database === 'sqlite'
    ? { DATABASE_PATH: join(cacheDir, `gap-${c.staff}.sqlite`) }
    : { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: `bench_gap_${c.staff}` };
}

/** Generates the partnership unless data/bench/ already holds it (--fresh makes it again). */
export async function prepare(c: Case, ctx: BenchContext): Promise<Prepared> {
  const env = envFor(c, ctx.cacheDir);
  const sidecar = join(ctx.cacheDir, `gap-${c.database}-${c.staff}.json`);
  const fresh = ctx.flags.has('--fresh');
  if (!fresh && existsSync(sidecar) && (c.database === 'postgres' || existsSync(env.DATABASE_PATH))) {
    const known = JSON.parse(readFileSync(sidecar, 'utf8')) as Prepared;
    if (known.staff === c.staff) return known;
  }
  if (c.database === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(env.DATABASE_PATH + suffix, { force: true });
  else {
    const client = new Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${env.DATABASE_SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${env.DATABASE_SCHEMA}`);
    await client.end();
  }
  ctx.log(`gap analysis: generating ${c.staff.toLocaleString('en-GB')} people on ${c.database} (kept for next time)`);
  const dataSource = new DataSource({ ...databaseOptions(loadConfig({ ...env, LOG_LEVEL: 'error' })), logging: false });
  await dataSource.initialize();
  try {
    const asOf = todayIso();
    let shown = 0;
    const summary = await generatePartnership(dataSource, {
      staff: c.staff,
      asOf,
      onProgress: (done, total) => {
        if (done - shown >= total / 5 || done === total) {
          shown = done;
          ctx.log(`  ${Math.round((100 * done) / total)}%`);
        }
      },
    });
    // Fresh statistics for the planner, as autovacuum would soon make them (PostgreSQL only: the app never runs ANALYZE on SQLite).
    if (c.database === 'postgres') await dataSource.query('ANALYZE');
    const prepared: Prepared = { staff: c.staff, asOf, completions: summary.completions, generatedAt: new Date().toISOString() };
    writeFileSync(sidecar, JSON.stringify(prepared, null, 2));
    return prepared;
  } finally {
    await dataSource.destroy();
  }
}

async function floorFramework(query: (text: string) => Promise<Record<string, unknown>[]>): Promise<FloorFramework> {
  const levels = await query('SELECT id, rank, validity_months FROM levels ORDER BY rank');
  const roles = await query('SELECT id FROM roles ORDER BY id');
  const requirements = await query('SELECT role_id, level_id, organisation_id, grace_days FROM requirements ORDER BY id');
  const roots = await query('SELECT id, depth FROM organisations WHERE parent_id IS NULL ORDER BY id');
  return {
    levels: levels.map((l) => ({ id: Number(l.id), rank: Number(l.rank), validityMonths: l.validity_months === null ? null : Number(l.validity_months) })),
    roles: roles.map((r) => ({ id: Number(r.id) })),
    requirements: requirements.map((r) => ({
      roleId: Number(r.role_id),
      levelId: Number(r.level_id),
      organisationId: r.organisation_id === null ? null : Number(r.organisation_id),
      graceDays: Number(r.grace_days ?? 0),
    })),
    rootId: Number(roots[0].id),
    rootDepth: Number(roots[0].depth),
    wholeTree: roots.length === 1,
  };
}

/** How many people's kept compliance spans are out of date (src/compliance/kept/), on a connection of its own. */
export async function staleCount(c: Case, env: Record<string, string>): Promise<number> {
  if (c.database === 'sqlite') {
    const db = new Database(env.DATABASE_PATH, { readonly: true });
    try {
      return Number((db.prepare('SELECT COUNT(*) AS n FROM compliance_stale').get() as { n: number }).n);
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${env.DATABASE_SCHEMA}` });
  await client.connect();
  try {
    return Number((await client.query('SELECT COUNT(*) AS n FROM compliance_stale')).rows[0].n);
  } finally {
    await client.end();
  }
}

/**
 * Waits while the started server's ComplianceKeeper works out the kept spans of everyone the
 * generator wrote (reports answer from the raw tables meanwhile): how long that took, in seconds.
 */
export async function keptBuilt(c: Case, env: Record<string, string>): Promise<number> {
  const started = Date.now();
  while ((await staleCount(c, env)) > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  return (Date.now() - started) / 1000;
}

/** The floor: the hand-written statement on a connection of its own, timed the same way. */
export async function floor(c: Case, env: Record<string, string>, asOf: string, runs: number) {
  if (c.database === 'sqlite') {
    const db = new Database(env.DATABASE_PATH, { readonly: true });
    // The same settings the server uses (src/config/database.ts).
    db.pragma('cache_size = -16384');
    try {
      const framework = await floorFramework(async (text) => db.prepare(text).all() as Record<string, unknown>[]);
      const statement = db.prepare(sqliteFloor(framework, asOf, WINDOW_DAYS));
      let rows: Record<string, unknown>[] = [];
      const times = await timeRuns(runs, 2, () => (rows = statement.all() as Record<string, unknown>[]));
      return { times, rows, framework };
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${env.DATABASE_SCHEMA}` });
  await client.connect();
  try {
    // As the API does for its statement: no JIT compile (it costs more than the query) and room for the hash aggregates.
    await client.query('SET jit = off');
    await client.query("SET work_mem = '64MB'");
    const framework = await floorFramework(async (text) => (await client.query(text)).rows);
    const text = postgresFloor(framework, asOf, WINDOW_DAYS);
    let rows: Record<string, unknown>[] = [];
    const times = await timeRuns(runs, 2, async () => (rows = (await client.query(text)).rows));
    return { times, rows, framework };
  } finally {
    await client.end();
  }
}

async function runCase(c: Case, ctx: BenchContext) {
  const prepared = await prepare(c, ctx);
  const env = envFor(c, ctx.cacheDir);
  const token = await benchToken(env);
  const server = await startServer(ctx.serverMain, env);
  try {
    const staleAtStart = await staleCount(c, env);
    const keptSeconds = await keptBuilt(c, env);
    if (staleAtStart > 0) ctx.log(`gap analysis: the server worked out the kept compliance of ${staleAtStart.toLocaleString('en-GB')} people in ${keptSeconds.toFixed(1)} s`);
    const memory = new RssSampler(server.process.pid!);
    const idleMb = memory.sampleNow();
    // No organisation: the report covers the top of the tree, the whole partnership.
    const url = `${server.base}/api/reports/gap-analysis?asOf=${prepared.asOf}&window=${WINDOW_DAYS}`;
    let report: { levels: Record<string, number | string>[] } | null = null;
    const get = async (at: string) => {
      const res = await fetch(at, { headers: auth(token) });
      if (!res.ok) throw new Error(`GET ${at} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return (await res.json()) as { levels: Record<string, number | string>[] };
    };
    memory.start();
    // First views: a date nobody has asked for each time (the days before), so the figures are worked out.
    await get(url.replace(prepared.asOf, addDays(prepared.asOf, -1000)));
    let daysBack = 0;
    const firstTimes = await timeRuns(c.runs, 0, () => get(url.replace(prepared.asOf, addDays(prepared.asOf, -++daysBack))));
    // Repeated views of one date: the figures are kept while the data is unchanged.
    const apiTimes = await timeRuns(c.runs, 3, async () => (report = await get(url)));
    memory.stop();
    await server.stop();

    const floorRun = await floor(c, env, prepared.asOf, c.runs);
    const floorTotals = totalsOf(floorRun.rows as { sv: number; people: number }[], floorRun.framework.levels.length);
    const apiTotals = report!.levels.map((l) => Object.fromEntries(STATUSES.map((s) => [s, Number(l[s])])));
    const agree = JSON.stringify(floorTotals) === JSON.stringify(apiTotals);
    if (!agree) ctx.log(`gap analysis: the floor and the API disagree!\n  API   ${JSON.stringify(apiTotals)}\n  floor ${JSON.stringify(floorTotals)}`);
    const apiMs = median(apiTimes);
    const firstMs = median(firstTimes);
    const floorMs = median(floorRun.times);
    const ratio = firstMs / floorMs;
    const pass =
      agree &&
      (c.targetMs === null || firstMs < c.targetMs) &&
      (c.targetRatio === null || ratio <= c.targetRatio) &&
      memory.peakMb < TARGET_RSS_MB;
    const row = [
      `${c.staff.toLocaleString('en-GB')} people`,
      c.database === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      prepared.completions.toLocaleString('en-GB'),
      firstMs.toFixed(1),
      floorMs.toFixed(1),
      ratio.toFixed(2),
      `${apiMs.toFixed(1)} (${(apiMs / floorMs).toFixed(2)}x)`,
      `${Math.round(memory.peakMb)} (idle ${Math.round(idleMb)})`,
      [c.targetMs !== null ? `< ${c.targetMs} ms` : '', c.targetRatio !== null ? `<= ${c.targetRatio}x` : '', `< ${TARGET_RSS_MB} MB`].filter(Boolean).join(', '),
      pass ? 'PASS' : 'FAIL',
    ];
    ctx.log(`gap analysis: ${row.slice(0, 2).join(' on ')}: first view ${row[3]} ms, floor ${row[4]} ms, ratio ${row[5]}, repeated view ${row[6]} ms, server RSS ${row[7]} MB`);
    return { row, pass };
  } finally {
    await server.stop();
  }
}

function auth(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export const gapAnalysisBench: Bench = {
  name: 'gap-analysis',
  description: 'Whole-partnership gap analysis through the API against the fastest hand-written SQL (the floor)',
  async run(ctx: BenchContext): Promise<BenchResult> {
    mkdirSync(ctx.cacheDir, { recursive: true });
    const cases = CASES.filter((c) => (ctx.flags.has('--quick') ? c.staff <= 50_000 && c.database === 'sqlite' : true)).filter(
      (c) => !(ctx.flags.has('--no-postgres') && c.database === 'postgres'),
    );
    const rows: (string | number)[][] = [];
    let pass = true;
    for (const c of cases) {
      const result = await runCase(c, ctx);
      rows.push(result.row);
      pass &&= result.pass;
    }
    return {
      name: 'Gap analysis, whole partnership (median of repeated runs)',
      table: {
        columns: ['size', 'database', 'completions', 'first view ms', 'floor median ms', 'ratio', 'repeated view ms (x floor)', 'server RSS MB', 'targets', 'result'],
        rows,
      },
      pass,
      notes: [
        'API: GET /api/reports/gap-analysis through HTTP on the built server (a child process), measured at the client.',
        'First view: a date nobody had asked for, each time (the figures worked out); the targets apply to it. Repeated view: the same date again (the figures kept while the data is unchanged).',
        'Floor: the hand-written statement of seeds/bench/gap-analysis.floor.ts on its own connection to the same database.',
      ],
    };
  },
};
