/**
 * Quarterly report and needs analysis benchmark (issue 7). For each size, a partnership made by
 * seeds/generator.ts, the built server started on it as a child process, and each report fetched
 * through HTTP again and again (median at the client): the quarterly report page (HTML, for the
 * whole partnership, the last quarter ended on the day the data was generated) and its JSON, the
 * needs analysis page and its JSON (12 months from that day).
 * Targets: 50,000 people on SQLite, the quarterly page under 300 ms and the needs analysis under
 * 200 ms; 500,000 people, each under 3 s.
 *
 * What it needs: the built app (`nest build`, so dist/src/main.js exists: the runner passes it as
 * ctx.serverMain) and a folder for databases (ctx.cacheDir, data/bench/). It shares the gap
 * analysis bench's generated databases (data/bench/gap-<staff>.sqlite with gap-sqlite-<staff>.json
 * beside it) and makes them the same way when they are missing (--fresh makes them again), and
 * signs in with the runner's benchToken hook. Wire it by adding `reportsBench` to BENCHES in
 * seeds/bench.ts; `--quick` runs the 50,000 case only.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { addDays, previousQuarter, quarterOf, todayIso } from '../../src/common/dates';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { generatePartnership } from '../generator';
import { benchToken } from './gap-analysis.bench';
import { median, RssSampler, startServer, timeRuns } from './support';

interface Case {
  staff: number;
  runs: number;
  /** Median targets in ms: the quarterly report page, the needs analysis page. */
  quarterlyMs: number;
  needsMs: number;
}

const CASES: Case[] = [
  { staff: 50_000, runs: 15, quarterlyMs: 300, needsMs: 200 },
  { staff: 500_000, runs: 5, quarterlyMs: 3000, needsMs: 3000 },
];

interface Prepared {
  staff: number;
  asOf: string;
  completions: number;
  generatedAt: string;
}

/** The gap analysis bench's database for this size, or a new one made the same way. */
export async function prepare(c: Pick<Case, 'staff'>, ctx: BenchContext): Promise<{ env: Record<string, string>; prepared: Prepared }> {
  const env = { DATABASE_PATH: join(ctx.cacheDir, `gap-${c.staff}.sqlite`) };
  const sidecar = join(ctx.cacheDir, `gap-sqlite-${c.staff}.json`);
  if (!ctx.flags.has('--fresh') && existsSync(sidecar) && existsSync(env.DATABASE_PATH)) {
    const known = JSON.parse(readFileSync(sidecar, 'utf8')) as Prepared;
    if (known.staff === c.staff) return { env, prepared: known };
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(env.DATABASE_PATH + suffix, { force: true });
  ctx.log(`reports: generating ${c.staff.toLocaleString('en-GB')} people (kept in ${ctx.cacheDir} for next time)`);
  const dataSource = new DataSource({ ...databaseOptions(loadConfig({ ...env, DATABASE_URL: '', LOG_LEVEL: 'error' })), logging: false });
  await dataSource.initialize();
  try {
    const asOf = todayIso();
    const summary = await generatePartnership(dataSource, { staff: c.staff, asOf });
    const prepared: Prepared = { staff: c.staff, asOf, completions: summary.completions, generatedAt: new Date().toISOString() };
    writeFileSync(sidecar, JSON.stringify(prepared, null, 2));
    return { env, prepared };
  } finally {
    await dataSource.destroy();
  }
}

async function runCase(c: Case, ctx: BenchContext): Promise<{ row: (string | number)[]; pass: boolean }> {
  const { env, prepared } = await prepare(c, ctx);
  const token = await benchToken(env);
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const server = await startServer(ctx.serverMain, env);
  try {
    const memory = new RssSampler(server.process.pid!);
    const idleMb = memory.sampleNow();
    // The whole partnership (no organisation: the top of the tree), the last quarter ended when the data was made.
    const current = quarterOf(prepared.asOf);
    const { year, quarter } = previousQuarter(current.year, current.quarter);
    const needsQuery = (asOf: string) => `asOf=${asOf}&horizonMonths=12&sessionCapacity=20&sessionsPerTrainer=6`;
    const urls = {
      quarterlyPage: `${server.base}/reports/quarterly?year=${year}&quarter=${quarter}`,
      quarterlyApi: `${server.base}/api/reports/quarterly?year=${year}&quarter=${quarter}`,
      needsPage: `${server.base}/reports/needs-analysis?${needsQuery(prepared.asOf)}`,
      needsApi: `${server.base}/api/reports/needs-analysis?${needsQuery(prepared.asOf)}`,
    };
    const fetchOk = async (url: string, accept = 'text/html') => {
      const res = await fetch(url, { headers: { ...headers, Accept: accept } });
      const body = await res.text();
      if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`);
      return body;
    };
    memory.start();
    // First views: figures nobody has asked for yet (the same quarter in earlier years, the needs
    // analysis from earlier days), so no answer kept from an earlier request can help.
    const firstRuns = Math.min(c.runs, 5);
    let k = 0;
    const firstQuarterly = median(await timeRuns(firstRuns, 0, () => fetchOk(`${server.base}/reports/quarterly?year=${year - 1 - k++}&quarter=${quarter}`)));
    k = 0;
    const firstNeeds = median(await timeRuns(firstRuns, 0, () => fetchOk(`${server.base}/reports/needs-analysis?${needsQuery(addDays(prepared.asOf, -7 * ++k))}`)));
    ctx.log(`reports: ${c.staff.toLocaleString('en-GB')} people, first views: quarterly page ${firstQuarterly.toFixed(1)} ms, needs analysis page ${firstNeeds.toFixed(1)} ms`);
    // Repeated views of the same report, as a coordinator's page, charts and downloads make.
    const ms: Record<keyof typeof urls, number> = { quarterlyPage: 0, quarterlyApi: 0, needsPage: 0, needsApi: 0 };
    for (const key of Object.keys(urls) as (keyof typeof urls)[]) {
      const accept = key.endsWith('Page') ? 'text/html' : 'application/json';
      ms[key] = median(await timeRuns(c.runs, 2, () => fetchOk(urls[key], accept)));
      ctx.log(`reports: ${c.staff.toLocaleString('en-GB')} people, ${key} ${ms[key].toFixed(1)} ms`);
    }
    memory.stop();
    const needs = JSON.parse(await fetchOk(urls.needsApi, 'application/json')) as { levels: { level: string; demand: number }[] };
    const pass = ms.quarterlyPage < c.quarterlyMs && ms.needsPage < c.needsMs;
    return {
      row: [
        `${c.staff.toLocaleString('en-GB')} people`,
        prepared.completions.toLocaleString('en-GB'),
        `Q${quarter} ${year}/${String((year + 1) % 100).padStart(2, '0')}`,
        ms.quarterlyPage.toFixed(1),
        firstQuarterly.toFixed(1),
        ms.quarterlyApi.toFixed(1),
        ms.needsPage.toFixed(1),
        firstNeeds.toFixed(1),
        ms.needsApi.toFixed(1),
        needs.levels.map((l) => `${l.level} ${l.demand}`).join(', '),
        `${Math.round(memory.peakMb)} (idle ${Math.round(idleMb)})`,
        `< ${c.quarterlyMs} ms, < ${c.needsMs} ms`,
        pass ? 'PASS' : 'FAIL',
      ],
      pass,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the cases (only 50,000 with --quick) and returns the runner's table. */
export async function runReportsBench(ctx: BenchContext): Promise<BenchResult> {
  mkdirSync(ctx.cacheDir, { recursive: true });
  const cases = CASES.filter((c) => !ctx.flags.has('--quick') || c.staff <= 50_000);
  const rows: (string | number)[][] = [];
  let pass = true;
  for (const c of cases) {
    const result = await runCase(c, ctx);
    rows.push(result.row);
    pass &&= result.pass;
  }
  return {
    name: 'Quarterly report and needs analysis, whole partnership, SQLite (median of repeated runs)',
    table: {
      columns: [
        'size',
        'completions',
        'quarter',
        'quarterly page ms',
        'first view ms',
        'quarterly API ms',
        'needs page ms',
        'first view ms',
        'needs API ms',
        'demand',
        'server RSS MB',
        'targets (pages)',
        'result',
      ],
      rows,
    },
    pass,
    notes: [
      'Through HTTP on the built server (a child process), measured at the client; pages are the full HTML, chart images not included.',
      'Page ms: median of repeated views of the same report (the page, its charts and downloads ask for the same figures; the gap analysis answers are kept while the data is unchanged). The targets apply to these.',
      'First view ms: median of reports nobody had asked for (the same quarter in earlier years; the needs analysis from earlier days). The quarterly report then runs the gap analysis at four quarter ends, one after another on SQLite.',
    ],
  };
}

export const reportsBench: Bench = {
  name: 'reports',
  description: 'Quarterly report page and needs analysis for the whole partnership at 50,000 and 500,000 people',
  run: runReportsBench,
};
