/**
 * Staff search benchmark (issue 14): the staff list's search and the person picker through HTTP
 * on the partnerships the reports bench makes (data/bench/gap-<staff>.sqlite), median of
 * repeated runs at the client. Cases: the first page of everyone, a common piece of a surname
 * ("son"), one person's full name, a piece of one person's email, two letters (matched at the
 * start of a field), and the person picker's suggestions for a first name.
 * Target: every search under 100 ms at 50,000 people and under 500 ms at 500,000.
 *
 * BENCH_SERVER=path/to/dist/src/main.js (seeds/bench.ts) times another build on the same databases.
 */
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { benchToken } from './gap-analysis.bench';
import { prepare } from './reports.bench';
import { median, startServer, timeRuns } from './support';

const CASES = [
  { staff: 50_000, runs: 15, targetMs: 100 },
  { staff: 500_000, runs: 7, targetMs: 500 },
];

async function samplePerson(env: Record<string, string>): Promise<{ name: string; email: string; firstName: string }> {
  const dataSource = new DataSource({ ...databaseOptions(loadConfig({ ...env, DATABASE_URL: '', LOG_LEVEL: 'error' })), logging: false });
  await dataSource.initialize();
  try {
    const [row] = await dataSource.query(
      `SELECT first_name, last_name, email FROM staff WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM staff)`,
    );
    return { name: `${row.first_name} ${row.last_name}`, email: String(row.email).split('@')[0], firstName: row.first_name };
  } finally {
    await dataSource.destroy();
  }
}

async function runSearchBench(ctx: BenchContext): Promise<BenchResult> {
  const serverMain = ctx.serverMain;
  const rows: (string | number)[][] = [];
  let pass = true;
  for (const c of CASES.filter((k) => !ctx.flags.has('--quick') || k.staff <= 50_000)) {
    const { env } = await prepare(c, ctx);
    const token = await benchToken(env);
    const who = await samplePerson(env);
    const server = await startServer(serverMain, env);
    try {
      const get = async (path: string) => {
        const res = await fetch(`${server.base}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
        const body = await res.text();
        if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 200)}`);
        return JSON.parse(body) as { total?: number; totalIsCapped?: boolean; length?: number };
      };
      const searches: [string, string][] = [
        ['first page of everyone', '/api/staff'],
        ['"son" (common)', '/api/staff?search=son'],
        ['a full name', `/api/staff?search=${encodeURIComponent(who.name)}`],
        ['part of an email', `/api/staff?search=${encodeURIComponent(who.email.slice(1, 8))}`],
        ['two letters', '/api/staff?search=ma'],
        ['person picker', `/api/people?q=${encodeURIComponent(who.firstName.slice(0, 4))}`],
      ];
      for (const [what, path] of searches) {
        const answer = await get(path);
        const ms = median(await timeRuns(c.runs, 2, () => get(path)));
        const found = answer.total !== undefined ? `${answer.totalIsCapped ? '> ' : ''}${answer.total}` : String(answer.length);
        const ok = ms < c.targetMs;
        pass &&= ok;
        rows.push([`${c.staff.toLocaleString('en-GB')} people`, what, found, ms.toFixed(1), `< ${c.targetMs} ms`, ok ? 'PASS' : 'FAIL']);
        ctx.log(`search: ${c.staff.toLocaleString('en-GB')} people, ${what}: ${ms.toFixed(1)} ms`);
      }
    } finally {
      await server.stop();
    }
  }
  return {
    name: `Staff search through HTTP, SQLite (median of repeated runs)${process.env.BENCH_SERVER ? `, server ${process.env.BENCH_SERVER}` : ''}`,
    table: { columns: ['size', 'search', 'found', 'median ms', 'target', 'result'], rows },
    pass,
  };
}

export const searchBench: Bench = {
  name: 'search',
  description: 'the staff list search and the person picker at 50,000 and 500,000 people (SQLite)',
  run: runSearchBench,
};
