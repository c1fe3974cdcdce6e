/**
 * Reminder run benchmark (issue 12): the daily reminder job (src/notifications/reminders.ts) over a
 * partnership of 50,000 people made by seeds/generator.ts, on SQLite, straight on the database as
 * the scheduler runs it (no HTTP): everyone assessed by the rules, the reminders due written into
 * the outbox. Then the same run again, which must write nothing (every key is already there).
 * Target: the first run under 10 s. Sending is not timed (the outbox sender does that later).
 *
 * It copies the gap analysis bench's database for the size (data/bench/gap-50000.sqlite, made the
 * same way when missing), so each run starts with an empty outbox and the cached one is untouched.
 */
import 'reflect-metadata';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { todayIso } from '../../src/common/dates';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import { Reminders } from '../../src/notifications/reminders';
import type { Bench, BenchContext, BenchResult } from '../bench';
import { generatePartnership } from '../generator';

const STAFF = 50_000;
const TARGET_SECONDS = 10;

async function sourceDatabase(ctx: BenchContext): Promise<string> {
  const path = join(ctx.cacheDir, `gap-${STAFF}.sqlite`);
  if (existsSync(path) && !ctx.flags.has('--fresh')) return path;
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  ctx.log(`reminders: generating ${STAFF.toLocaleString('en-GB')} people (kept in ${ctx.cacheDir} for next time)`);
  const dataSource = new DataSource({ ...databaseOptions(loadConfig({ DATABASE_PATH: path, DATABASE_URL: '', LOG_LEVEL: 'error' })), logging: false });
  await dataSource.initialize();
  try {
    await generatePartnership(dataSource, { staff: STAFF, asOf: todayIso() });
  } finally {
    await dataSource.destroy();
  }
  return path;
}

export async function runRemindersBench(ctx: BenchContext): Promise<BenchResult> {
  mkdirSync(ctx.cacheDir, { recursive: true });
  const source = await sourceDatabase(ctx);
  const copy = join(ctx.cacheDir, `reminders-${STAFF}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(copy + suffix, { force: true });
    if (existsSync(source + suffix)) copyFileSync(source + suffix, copy + suffix);
  }
  const config = loadConfig({ ...process.env, DATABASE_PATH: copy, DATABASE_URL: '', DATABASE_SCHEMA: '', SEED_DEMO: 'false', LOG_LEVEL: 'error' });
  const dataSource = new DataSource({ ...databaseOptions(config), logging: false });
  await dataSource.initialize();
  try {
    // A server that ran on the source database (the gap analysis bench's) may have sent its reminders already.
    await dataSource.query('DELETE FROM outbox_messages');
    const reminders = new Reminders(dataSource, config);
    const withEmail = Number((await dataSource.query(`SELECT COUNT(*) AS n FROM staff WHERE email LIKE '%@%'`))[0].n);
    const loadBefore = loadavg()[0];
    const now = new Date();
    let started = performance.now();
    const written = await reminders.run(now);
    const firstSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const again = await reminders.run(now);
    const secondSeconds = (performance.now() - started) / 1000;
    const inOutbox = Number((await dataSource.query(`SELECT COUNT(*) AS n FROM outbox_messages`))[0].n);
    const keys = Number((await dataSource.query(`SELECT COUNT(DISTINCT message_key) AS n FROM outbox_messages`))[0].n);
    const loadAfter = loadavg()[0];
    const pass = firstSeconds < TARGET_SECONDS && again === 0 && inOutbox === written && keys === inOutbox;
    ctx.log(`reminders: ${written} written in ${firstSeconds.toFixed(2)} s; again: ${again} in ${secondSeconds.toFixed(2)} s`);
    return {
      name: `Reminder run, ${STAFF.toLocaleString('en-GB')} people, SQLite (one run, then the same run again)`,
      table: {
        columns: ['size', 'with email', 'reminders written', 'seconds', 'per 1,000 people ms', 'second run written', 'second run seconds', 'second / first', 'target', 'result'],
        rows: [
          [
            `${STAFF.toLocaleString('en-GB')} people`,
            withEmail,
            written,
            firstSeconds.toFixed(2),
            ((firstSeconds * 1_000_000) / STAFF).toFixed(1),
            again,
            secondSeconds.toFixed(2),
            (secondSeconds / firstSeconds).toFixed(2),
            `< ${TARGET_SECONDS} s, nothing twice`,
            pass ? 'PASS' : 'FAIL',
          ],
        ],
      },
      pass,
      notes: [
        'Straight on the database, as the scheduler runs the job: the rules applied to everyone, the reminders due written into the outbox (not sent).',
        `The second run writes nothing: every message key (person, level, due date, offset) is already there (${keys} distinct keys, ${inOutbox} messages).`,
        `Machine load (1-minute average, ${cpus().length} cores) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)}: other work on the machine slows the figures.`,
      ],
    };
  } finally {
    await dataSource.destroy();
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
  }
}

export const remindersBench: Bench = {
  name: 'reminders',
  description: 'The daily reminder run for 50,000 people, then again (nothing twice)',
  run: runRemindersBench,
};
