/**
 * Imports benchmark: 100,000 completion rows into a 50,000-person SQLite database, end to end
 * through the real HTTP API of a server started as a child process, sampling that server's memory.
 * Targets (issues 6 and 13): under 10 s, server memory under 400 MB, for the completions and for a
 * staff list of 50,000 new people (`staffRows`).
 *
 * Self-contained: it makes its own database (seeds/generator.ts) in a temporary folder, an
 * administrator account and API token, and the CSV file; it needs only the built app
 * (`nest build`, so dist/src/main.js exists) and removes everything afterwards.
 * Run alone: `nest build && node dist/seeds/bench/imports.bench.js [--staff N] [--rows N] [--staff-rows N]`;
 * the bench runner calls `importsBench(ctx)`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, openAsBlob, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Scope } from '../../src/auth/scope';
import { addDays, todayIso } from '../../src/common/dates';
import { loadConfig } from '../../src/config/app-config';
import { TokensService } from '../../src/users/tokens.service';
import { UsersService } from '../../src/users/users.service';
import { generatePartnership } from '../generator';
import { serverNodeOptions } from './support';

export interface ImportsBenchContext {
  /** People in the generated database (default 50,000). */
  staff?: number;
  /** Completion rows in the file (default 100,000). */
  rows?: number;
  /** Also time a staff list of this many new people (default 0: not run); shows the memory of a 200,000-row file. */
  staffRows?: number;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

export interface ImportsBenchResult {
  name: string;
  /** Upload to answer, through the API, in seconds. */
  seconds: number;
  /** Highest resident memory of the server process seen during the import, in MB. */
  peakRssMb: number;
  /** Resident memory of the idle server before the upload, in MB. */
  idleRssMb: number;
  rows: number;
  created: number;
  duplicates: number;
  errorRows: number;
  fileMb: number;
  /** Seconds of the dry run (preview only) of the same file, made first. */
  previewSeconds: number;
  /** Peak memory of the server during the dry run alone. */
  previewPeakRssMb: number;
  targets: { seconds: number; peakRssMb: number };
  /** The completions met the targets. */
  completionsPass: boolean;
  /** Every part met the targets (the completions, and the staff list when run). */
  pass: boolean;
  /** With staffRows: the staff list import, its time and the server's peak memory during it. */
  staffList?: { rows: number; created: number; seconds: number; peakRssMb: number; fileMb: number; pass: boolean };
}

const TARGET_SECONDS = 10;
const TARGET_RSS_MB = 400;
const COURSES = ['Prevent awareness e-learning', 'Home Office Prevent e-learning', 'WRAP'];

export async function importsBench(ctx: ImportsBenchContext = {}): Promise<ImportsBenchResult> {
  const staff = ctx.staff ?? 50_000;
  const rows = ctx.rows ?? 100_000;
  const log = ctx.log ?? ((line: string) => console.log(line));
  // This file runs as dist/seeds/bench/imports.bench.js, beside the built server.
  const main = join(__dirname, '..', '..', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the app first (nest build)`);

  const dir = mkdtempSync(join(tmpdir(), 'imports-bench-'));
  const database = join(dir, 'bench.sqlite');
  const file = join(dir, 'completions.csv');
  let server: ChildProcess | null = null;
  try {
    log(`imports: generating ${staff.toLocaleString('en-GB')} people into ${database}`);
    const token = await prepareDatabase(database, staff, rows, file);
    const fileMb = statSync(file).size / 1024 / 1024;
    log(`imports: ${rows.toLocaleString('en-GB')} completion rows written (${fileMb.toFixed(1)} MB); starting the server`);

    const startServer = async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [...serverNodeOptions(main), main], {
        env: { ...process.env, PORT: String(port), DATABASE_PATH: database, DATABASE_URL: '', SEED_DEMO: 'false', LOG_LEVEL: 'warn', SCHEDULER: 'off' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, child);
      return { child, url };
    };
    let started0 = await startServer();
    server = started0.child;
    let base = started0.url;
    const memory = new RssSampler(server.pid!);
    const idleRssMb = memory.sampleNow();

    const post = async (query: string) => {
      const form = new FormData();
      form.append('file', await openAsBlob(file, { type: 'text/csv' }), 'completions.csv');
      // The API needs a signed-in account: an administrator's bearer token, made above.
      const res = await fetch(`${base}/api/imports/completions${query}`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { counts?: { rows: number; created: number; duplicates: number; errorRows: number }; message?: unknown };
      if (!res.ok) throw new Error(`The import answered ${res.status}: ${JSON.stringify(body.message ?? body).slice(0, 500)}`);
      return body.counts!;
    };

    memory.start();
    let started = performance.now();
    await post('?dryRun=true');
    const previewSeconds = (performance.now() - started) / 1000;
    const previewPeakRssMb = memory.peakMb;

    started = performance.now();
    const counts = await post('');
    const seconds = (performance.now() - started) / 1000;
    memory.stop();

    const peakRssMb = memory.peakMb;
    let staffList: ImportsBenchResult['staffList'];
    if (ctx.staffRows) {
      // A server of its own, so its memory is the staff list's, not what the completions left behind.
      server.kill('SIGTERM');
      await once(server, 'exit').catch(() => undefined);
      started0 = await startServer();
      server = started0.child;
      base = started0.url;
      staffList = await staffListRun(ctx.staffRows, dir, base, token, server.pid!, log);
    }
    const completionsPass = seconds < TARGET_SECONDS && peakRssMb < TARGET_RSS_MB && counts.errorRows === 0;
    const result: ImportsBenchResult = {
      name: `imports: ${rows.toLocaleString('en-GB')} completion rows into ${staff.toLocaleString('en-GB')} people (SQLite, through the API)`,
      seconds: round(seconds),
      peakRssMb: round(peakRssMb),
      idleRssMb: round(idleRssMb),
      rows: counts.rows,
      created: counts.created,
      duplicates: counts.duplicates,
      errorRows: counts.errorRows,
      fileMb: round(fileMb),
      previewSeconds: round(previewSeconds),
      previewPeakRssMb: round(previewPeakRssMb),
      targets: { seconds: TARGET_SECONDS, peakRssMb: TARGET_RSS_MB },
      completionsPass,
      pass: completionsPass && (staffList?.pass ?? true),
      staffList,
    };
    log(
      `imports: ${result.seconds} s end to end (target < ${TARGET_SECONDS} s; the preview alone ${result.previewSeconds} s, peak ${result.previewPeakRssMb} MB), ` +
        `server memory peak ${result.peakRssMb} MB (idle ${result.idleRssMb} MB; target < ${TARGET_RSS_MB} MB): ` +
        `${result.created} created, ${result.duplicates} duplicates, ${result.errorRows} rows with errors: ${result.pass ? 'PASS' : 'FAIL'}`,
    );
    return result;
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit').catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Migrates and fills the database, makes an administrator's API token, and writes the file of completions. */
async function prepareDatabase(database: string, staff: number, rows: number, file: string): Promise<string> {
  const config = loadConfig({ ...process.env, DATABASE_PATH: database, DATABASE_URL: '', SEED_DEMO: 'false', LOG_LEVEL: 'error' });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error'] });
  try {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    await generatePartnership(dataSource, { staff, seed: 6 });
    const { user } = await app.get(UsersService).create(Scope.system(), {
      email: 'bench.admin@example.gov.uk',
      displayName: 'Bench administrator',
      role: 'admin',
      organisationCode: null,
      staffEmployeeRef: null,
      password: 'bench password that is long enough',
    });
    const { token } = await app.get(TokensService).issue(user.id, 'imports bench');

    await writeCompletionsFile((text) => dataSource.query(text), rows, file);
    return token;
  } finally {
    await app.close();
  }
}

/**
 * The file of `rows` completions for the people of a generated database: about two rows a person,
 * on different days within the last six years, a tenth by level code rather than course name.
 */
export async function writeCompletionsFile(query: (text: string) => Promise<{ ref: string; employer: string }[]>, rows: number, file: string): Promise<void> {
  // People with the code of their employer, so each row names one person even where references repeat.
  const people = await query(`SELECT s.employee_ref AS ref, e.code AS employer FROM staff s JOIN organisations e ON e.id = s.employer_id ORDER BY s.id`);
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : once(out, 'drain').then(() => undefined));
  await write('employee_ref,organisation_code,course_name,level_code,completed_on,evidence\r\n');
  const today = todayIso();
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < rows; i++) {
    const p = people[i % people.length];
    // Two rows a person on average, on different days within the last six years: few clash.
    const date = addDays(today, -1 - Math.floor(random() * 2190));
    const date2 = random() < 0.5 ? date.split('-').reverse().join('/') : date;
    const course = i % 10 === 9 ? ',L2' : `${COURSES[i % 2]},`;
    await write(`${p.ref},${p.employer},${course},${date2},Platform record ${i}\r\n`);
  }
  out.end();
  await once(out, 'finish');
}

/** A staff list of `rows` new people in one organisation, imported through the API with the server's memory sampled. */
async function staffListRun(rows: number, dir: string, base: string, token: string, pid: number, log: (line: string) => void) {
  const file = join(dir, 'staff.csv');
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : once(out, 'drain').then(() => undefined));
  const organisation = await fetch(`${base}/api/organisations`, { headers: { Authorization: `Bearer ${token}` } }).then(
    (r) => r.json() as Promise<{ code: string; isEmployer: boolean }[]>,
  );
  const employer = organisation.find((o) => o.isEmployer)?.code ?? organisation[0].code;
  await write('employee_ref,first_name,last_name,email,organisation_code,manager_employee_ref,start_date\r\n');
  for (let i = 1; i <= rows; i++) {
    // Teams of ten, each led by its first member.
    const lead = i - ((i - 1) % 10);
    const manager = lead === i ? '' : `BENCH-${lead}`;
    await write(`BENCH-${i},Bench,Person ${i},bench.${i}@example.gov.uk,${employer},${manager},${i % 2 ? '2024-04-01' : '01/04/2024'}\r\n`);
  }
  out.end();
  await once(out, 'finish');
  const fileMb = statSync(file).size / 1024 / 1024;
  log(`imports: staff list of ${rows.toLocaleString('en-GB')} rows (${fileMb.toFixed(1)} MB) into ${employer}`);
  const memory = new RssSampler(pid);
  memory.start();
  const started = performance.now();
  const form = new FormData();
  form.append('file', await openAsBlob(file, { type: 'text/csv' }), 'staff.csv');
  const res = await fetch(`${base}/api/imports/staff`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { counts?: { rows: number; created: number }; message?: unknown; errors?: unknown[] };
  const seconds = (performance.now() - started) / 1000;
  memory.stop();
  if (!res.ok) throw new Error(`The staff import answered ${res.status}: ${JSON.stringify([body.message, body.errors?.slice(0, 3)]).slice(0, 800)}`);
  const pass = seconds < TARGET_SECONDS && memory.peakMb < TARGET_RSS_MB && body.counts!.created === rows;
  const result = { rows: body.counts!.rows, created: body.counts!.created, seconds: round(seconds), peakRssMb: round(memory.peakMb), fileMb: round(fileMb), pass };
  log(`imports: staff list ${result.seconds} s, server memory peak ${result.peakRssMb} MB, ${result.created} created`);
  return result;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

async function waitForHealth(base: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server stopped with code ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('The server did not answer /health within 60 s');
}

/** Resident memory of a process from /proc (Linux), sampled every 25 ms. */
class RssSampler {
  peakMb = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pid: number) {}

  sampleNow(): number {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0);
      const mb = kb / 1024;
      this.peakMb = Math.max(this.peakMb, mb);
      return mb;
    } catch {
      return 0;
    }
  }

  start(): void {
    this.timer = setInterval(() => this.sampleNow(), 25);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sampleNow();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

if (require.main === module) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  importsBench({ staff: arg('--staff'), rows: arg('--rows'), staffRows: arg('--staff-rows') })
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
      process.exitCode = result.pass ? 0 : 1;
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
