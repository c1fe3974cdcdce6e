/**
 * Compliance trend benchmark (issue 15): the eight-quarter trend of the whole partnership at 50,000
 * people on SQLite, through HTTP on the built server, first view: every figure worked out afresh
 * (each run asks for eight quarter ends nobody has asked for, so no answer kept from an earlier
 * request can help), then repeated views of the same trend. Target: first view under 1 s.
 *
 * It shares the gap analysis bench's generated database (data/bench/gap-50000.sqlite with
 * gap-sqlite-50000.json beside it), making it the same way when missing (--fresh makes it again).
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { previousQuarter, type Quarter, quarterOf, todayIso } from '../../src/common/dates';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { generatePartnership } from '../generator';
import { benchToken } from './gap-analysis.bench';
import { median, RssSampler, startServer, timeRuns } from './support';

const STAFF = 50_000;
const FIRST_VIEW_TARGET_MS = 1000;
/** Distinct eight-quarter ranges timed as first views (each reaches two years further back). */
const FIRST_VIEWS = 3;
const REPEATS = 7;

interface Prepared {
  staff: number;
  asOf: string;
  completions: number;
  generatedAt: string;
}

async function prepare(ctx: BenchContext): Promise<{ env: Record<string, string>; prepared: Prepared }> {
  const env = { DATABASE_PATH: join(ctx.cacheDir, `gap-${STAFF}.sqlite`) };
  const sidecar = join(ctx.cacheDir, `gap-sqlite-${STAFF}.json`);
  if (!ctx.flags.has('--fresh') && existsSync(sidecar) && existsSync(env.DATABASE_PATH)) {
    const known = JSON.parse(readFileSync(sidecar, 'utf8')) as Prepared;
    if (known.staff === STAFF) return { env, prepared: known };
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(env.DATABASE_PATH + suffix, { force: true });
  ctx.log(`trend: generating ${STAFF.toLocaleString('en-GB')} people (kept in ${ctx.cacheDir} for next time)`);
  const dataSource = new DataSource({ ...databaseOptions(loadConfig({ ...env, DATABASE_URL: '', LOG_LEVEL: 'error' })), logging: false });
  await dataSource.initialize();
  try {
    const asOf = todayIso();
    const summary = await generatePartnership(dataSource, { staff: STAFF, asOf });
    const prepared: Prepared = { staff: STAFF, asOf, completions: summary.completions, generatedAt: new Date().toISOString() };
    writeFileSync(sidecar, JSON.stringify(prepared, null, 2));
    return { env, prepared };
  } finally {
    await dataSource.destroy();
  }
}

const key = (q: { year: number; quarter: number }) => `${q.year}Q${q.quarter}`;

function back(q: { year: number; quarter: Quarter }, n: number): { year: number; quarter: Quarter } {
  let out = q;
  for (let i = 0; i < n; i++) out = previousQuarter(out.year, out.quarter);
  return out;
}

export async function runTrendBench(ctx: BenchContext): Promise<BenchResult> {
  mkdirSync(ctx.cacheDir, { recursive: true });
  const { env, prepared } = await prepare(ctx);
  const token = await benchToken(env);
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const server = await startServer(ctx.serverMain, env);
  try {
    const memory = new RssSampler(server.process.pid!);
    const fetchOk = async (url: string, accept: string) => {
      const res = await fetch(url, { headers: { ...headers, Accept: accept } });
      const body = await res.text();
      if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`);
      return body;
    };
    const current = quarterOf(prepared.asOf);
    const last = previousQuarter(current.year, current.quarter);
    const range = (k: number) => `from=${key(back(last, 8 * k + 7))}&to=${key(back(last, 8 * k))}`;
    // A server that has answered something before (a gap analysis of today, not a quarter end): the
    // first views then time the trend's figures, not the start-up of the server's threads and templates.
    await fetchOk(`${server.base}/reports/gap-analysis`, 'text/html');
    memory.start();
    // First views of the page: run k covers the eight quarters ending 8k quarters before the last one ended.
    let k = 0;
    const firstPage = await timeRuns(FIRST_VIEWS, 0, () => fetchOk(`${server.base}/reports/trend?${range(k++)}`, 'text/html'));
    // First views of the API, further back still.
    const firstApi = await timeRuns(2, 0, () => fetchOk(`${server.base}/api/reports/trend?${range(k++)}`, 'application/json'));
    const repeatPage = await timeRuns(REPEATS, 1, () => fetchOk(`${server.base}/reports/trend?${range(0)}`, 'text/html'));
    const chart = await timeRuns(REPEATS, 1, () => fetchOk(`${server.base}/reports/trend/chart.svg?${range(0)}`, 'image/svg+xml'));
    memory.stop();
    const first = median(firstPage);
    const pass = Math.max(...firstPage) < FIRST_VIEW_TARGET_MS;
    ctx.log(`trend: first views ${firstPage.map((t) => t.toFixed(0)).join(', ')} ms (page), ${firstApi.map((t) => t.toFixed(0)).join(', ')} ms (API); repeat ${median(repeatPage).toFixed(1)} ms`);
    return {
      name: 'Compliance trend, eight quarters, whole partnership, 50,000 people, SQLite',
      table: {
        columns: ['size', 'completions', 'last quarter', 'first view ms (median)', 'first view ms (slowest)', 'first view API ms', 'repeat view ms', 'chart ms', 'server RSS MB', 'target', 'result'],
        rows: [
          [
            `${STAFF.toLocaleString('en-GB')} people`,
            prepared.completions.toLocaleString('en-GB'),
            key(last),
            first.toFixed(1),
            Math.max(...firstPage).toFixed(1),
            median(firstApi).toFixed(1),
            median(repeatPage).toFixed(1),
            median(chart).toFixed(1),
            Math.round(memory.peakMb),
            `first view < ${FIRST_VIEW_TARGET_MS} ms`,
            pass ? 'PASS' : 'FAIL',
          ],
        ],
      },
      pass,
      notes: [
        'Through HTTP on the built server (a child process), measured at the client; the page is the full HTML, the chart image is fetched on its own.',
        'First view: eight quarter ends nobody had asked for (each run two years further back), so every figure is the gap analysis worked out afresh (two statements of four dates, side by side), after one gap analysis of today has warmed the server. The target applies to the slowest of them.',
        'Repeat view: the same trend again (its figures are kept while the data is unchanged), as the chart image and the downloads ask for it.',
      ],
    };
  } finally {
    await server.stop();
  }
}

export const trendBench: Bench = {
  name: 'trend',
  description: 'The eight-quarter compliance trend of the whole partnership at 50,000 people, first view, SQLite',
  run: runTrendBench,
};
