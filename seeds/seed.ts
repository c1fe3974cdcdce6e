/**
 * `npm run seed -- [--staff N] [--seed N] [--database PATH] [--reset]`
 * Fills an empty database with a generated partnership (the demo one by default) and reports
 * how fast it went. SQLite by default (DATABASE_PATH or --database); PostgreSQL when DATABASE_URL
 * is set. --reset starts from a fresh database: the SQLite file is deleted, or every table of the
 * PostgreSQL schema is dropped, and the migrations are run again.
 */
import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/config/database';
import { DEMO_SEED, DEMO_STAFF } from './demo';
import { generatePartnership } from './generator';

interface SeedArgs {
  staff: number;
  seed: number;
  database?: string;
  reset: boolean;
}

const USAGE = 'Usage: npm run seed -- [--staff N] [--seed N] [--database PATH] [--reset]';

function parseArgs(argv: string[]): SeedArgs {
  const args: SeedArgs = { staff: DEMO_STAFF, seed: DEMO_SEED, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    const wholeNumber = (v: string) => {
      if (!/^\d+$/.test(v)) throw new Error(`${flag} must be a whole number, got "${v}"`);
      return Number(v);
    };
    if (flag === '--staff') args.staff = wholeNumber(value());
    else if (flag === '--seed') args.seed = wholeNumber(value());
    else if (flag === '--database') args.database = value();
    else if (flag === '--reset') args.reset = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown option ${argv[i]}. ${USAGE}`);
  }
  if (args.staff < 1) throw new Error('--staff must be at least 1');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = { ...process.env };
  if (args.database) {
    if (env.DATABASE_URL) console.warn('DATABASE_URL is set, so PostgreSQL is used and --database is ignored.');
    env.DATABASE_PATH = resolve(process.cwd(), args.database);
  }
  const options = databaseOptions(loadConfig(env));
  const postgres = options.type === 'postgres';
  const where = postgres ? `PostgreSQL${options.schema ? ` (schema ${options.schema})` : ''}` : String(options.database);

  if (args.reset && !postgres) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${String(options.database)}${suffix}`, { force: true });
  }
  const dataSource = new DataSource({ ...options, migrationsRun: !(args.reset && postgres) });
  await dataSource.initialize();
  try {
    if (args.reset && postgres) {
      await dataSource.dropDatabase();
      // dropDatabase leaves the schema's functions (the change counters' triggers call two), and the migrations would make them again.
      const functions: { name: string }[] = await dataSource.query(
        `SELECT p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
      );
      for (const { name } of functions) await dataSource.query(`DROP FUNCTION IF EXISTS ${name}`);
      await dataSource.runMigrations({ transaction: 'each' });
    }
    const [{ count }] = await dataSource.query('SELECT COUNT(*) AS count FROM organisations');
    if (Number(count) > 0) {
      console.error(`${where} already holds ${count} organisations, so nothing was added.`);
      console.error('Run again with --reset to start from an empty database (everything in it is deleted), or choose another --database.');
      process.exitCode = 1;
      return;
    }

    console.log(`Seeding ${args.staff.toLocaleString('en-GB')} people (seed ${args.seed}) into ${where}`);
    const bar = new SingleBar({
      format: 'Seeding |{bar}| {percentage}% | {value}/{total} people | {duration}s',
      hideCursor: true,
    });
    bar.start(args.staff, 0);
    const summary = await generatePartnership(dataSource, {
      staff: args.staff,
      seed: args.seed,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();

    const seconds = summary.ms / 1000;
    const rate = Math.round(summary.staff / seconds);
    const n = (x: number) => x.toLocaleString('en-GB');
    console.log(
      [
        `Organisations: ${n(summary.organisations)}`,
        `People:        ${n(summary.staff)}`,
        `Completions:   ${n(summary.completions)}`,
        `Sessions:      ${n(summary.sessions)}`,
        `Bookings:      ${n(summary.bookings)}`,
        `Feedback:      ${n(summary.feedback)}`,
        `Time:          ${seconds.toFixed(2)} s (${n(rate)} people a second)`,
      ].join('\n'),
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  console.error(`Seeding failed: ${error.message}`);
  process.exit(1);
});
