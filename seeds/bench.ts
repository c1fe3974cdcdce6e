/**
 * `npm run bench [names...] [flags]`: the benchmarks, one after the other, each printing a table.
 *
 * Adding a benchmark: write seeds/bench/<name>.bench.ts exporting a `Bench` (below) and add it to
 * BENCHES. A bench gets a BenchContext (a cache folder for databases it may keep between runs,
 * the built server's entry point to start as a child process, the command-line flags, a logger)
 * and returns a BenchResult: a titled table, whether its targets were met, and notes.
 *
 *   npm run bench                       every benchmark
 *   npm run bench -- gap-analysis       only the named ones
 *   npm run bench -- --quick            the small cases only (each bench decides what that means)
 *   npm run bench -- --fresh            regenerate cached databases (data/bench/)
 *   npm run bench -- --no-postgres      skip PostgreSQL cases
 *   npm run bench -- load --people 500000 --users 10,50 --duration 20
 *                                       flags with a value (`--flag value` or `--flag=value`), read from ctx.options
 *   BENCH_SERVER=../before/dist/src/main.js npm run bench -- reports
 *                                       the same benches against another build of the server
 *
 * The exit code is 1 when any bench missed a target.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/config/project-root';
import { gapAnalysisBench } from './bench/gap-analysis.bench';
import { importsBench } from './bench/imports.bench';
import { loadBench } from './bench/load.bench';
import { remindersBench } from './bench/reminders.bench';
import { reportsBench } from './bench/reports.bench';
import { trendBench } from './bench/trend.bench';
import { searchBench } from './bench/search.bench';
import { retentionBench } from './bench/retention.bench';

export interface BenchContext {
  /** Folder for data kept between runs (data/bench/, not committed). */
  cacheDir: string;
  /** The built server (dist/src/main.js), for benches that time it through HTTP. */
  serverMain: string;
  /** Flags from the command line, e.g. --quick, --fresh. */
  flags: Set<string>;
  /** Flags given a value, `--people 500000` or `--people=500000`: the value by flag. */
  options: Map<string, string>;
  log: (line: string) => void;
}

export interface BenchResult {
  name: string;
  table: { columns: string[]; rows: (string | number)[][] };
  pass: boolean;
  notes?: string[];
}

export interface Bench {
  /** Short name to pick it on the command line. */
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** The imports benchmark (seeds/bench/imports.bench.ts) in the runner's shape: completions, then a staff list. */
const imports: Bench = {
  name: 'imports',
  description: '100,000 completion rows into 50,000 people, then a staff list of 50,000 new people, through the API',
  async run(ctx) {
    const quick = ctx.flags.has('--quick');
    const r = await importsBench({ log: ctx.log, staffRows: quick ? 10_000 : 50_000, ...(quick ? { rows: 20_000 } : {}) });
    const staff = r.staffList!;
    return {
      name: r.name,
      table: {
        columns: ['file', 'rows', 'seconds', 'preview seconds', 'server RSS peak MB', 'created', 'duplicates', 'rows with errors', 'targets', 'result'],
        rows: [
          ['completions', r.rows, r.seconds, r.previewSeconds, r.peakRssMb, r.created, r.duplicates, r.errorRows, `< ${r.targets.seconds} s, < ${r.targets.peakRssMb} MB`, r.completionsPass ? 'PASS' : 'FAIL'],
          ['staff list', staff.rows, staff.seconds, '', staff.peakRssMb, staff.created, '', '', `< ${r.targets.seconds} s, < ${r.targets.peakRssMb} MB`, staff.pass ? 'PASS' : 'FAIL'],
        ],
      },
      pass: r.pass,
    };
  },
};

export const BENCHES: Bench[] = [gapAnalysisBench, reportsBench, trendBench, imports, remindersBench, loadBench, retentionBench, searchBench];

function printTable(result: BenchResult): void {
  const { columns, rows } = result.table;
  const cells = [columns, ...rows.map((r) => r.map(String))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${result.name}`);
  console.log(line(columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r.map(String)));
  for (const note of result.notes ?? []) console.log(`  ${note}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const names: string[] = [];
  args.forEach((arg, i) => {
    const [flag, inline] = arg.split('=', 2);
    if (arg.startsWith('--')) {
      flags.add(flag);
      if (inline !== undefined) options.set(flag, inline);
    } else if (i > 0 && args[i - 1].startsWith('--') && !args[i - 1].includes('=') && !BENCHES.some((b) => b.name === arg)) {
      options.set(args[i - 1], arg);
    } else names.push(arg);
  });
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) throw new Error(`No bench named ${unknown.join(', ')}: choose from ${BENCHES.map((b) => b.name).join(', ')}`);
  const root = projectRoot();
  // BENCH_SERVER=path/to/dist/src/main.js times another build (the code before a change) on the same data.
  const serverMain = process.env.BENCH_SERVER || join(root, 'dist', 'src', 'main.js');
  if (!existsSync(serverMain)) throw new Error(`${serverMain} is missing: build first (npm run bench does)`);
  const ctx: BenchContext = { cacheDir: join(root, 'data', 'bench'), serverMain, flags, options, log: (line) => console.log(line) };
  const results: BenchResult[] = [];
  for (const bench of BENCHES.filter((b) => names.length === 0 || names.includes(b.name))) {
    console.log(`\n== ${bench.name}: ${bench.description}`);
    results.push(await bench.run(ctx));
  }
  results.forEach(printTable);
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
