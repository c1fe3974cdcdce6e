/**
 * One thread of the read pool (read-pool.service.ts): its own read-only connection to the SQLite
 * file, so its statements run beside the main connection's writer (WAL gives each statement the
 * last committed state) and off Node's main thread. It imports nothing of the app but
 * better-sqlite3, so it starts the same from dist/ and under jest.
 *
 * A job is { id, sql, params } with `?` placeholders. Rows go back as arrays with the column names
 * once, ROWS_PER_BATCH at a time; the worker sends at most the credits the main thread has given
 * it (flow control through a shared Int32Array: [credits, cancelled]) so a huge result is never
 * all in flight at once.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface ReadWorkerData {
  file: string;
  /** SQLite page cache of this connection, in KiB. */
  cacheKib: number;
  rowsPerBatch: number;
  /** Int32Array [credits, cancelled] shared with the main thread. */
  control: SharedArrayBuffer;
}

export interface ReadJob {
  id: number;
  sql: string;
  params: unknown[];
}

export type ReadAnswer =
  | { ready: true }
  | { id: number; columns: string[]; rows: unknown[][]; done: boolean }
  | { id: number; error: { message: string; code?: string } };

const CREDITS = 0;
const CANCELLED = 1;
const STATEMENTS_KEPT = 200;

const settings = workerData as ReadWorkerData;
const control = new Int32Array(settings.control);
const db = new Database(settings.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('query_only = ON');
db.pragma(`cache_size = -${settings.cacheKib}`);
const statements = new Map<string, Database.Statement>();

function prepared(sql: string): Database.Statement {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql).raw(true);
    statements.set(sql, statement);
    while (statements.size > STATEMENTS_KEPT) statements.delete(statements.keys().next().value!);
  }
  return statement;
}

/** Waits until the main thread has taken an earlier batch; false when it no longer wants the rows. */
function mayPost(): boolean {
  while (Atomics.load(control, CREDITS) <= 0) {
    if (Atomics.load(control, CANCELLED) !== 0) return false;
    // Timed, so a cancel or terminate is noticed even if no notify comes.
    Atomics.wait(control, CREDITS, Atomics.load(control, CREDITS), 100);
  }
  Atomics.sub(control, CREDITS, 1);
  return Atomics.load(control, CANCELLED) === 0;
}

function run(job: ReadJob): void {
  const statement = prepared(job.sql);
  if (!statement.reader) throw new Error('The read pool runs only statements that return rows');
  const columns = statement.columns().map((c) => c.name);
  let rows: unknown[][] = [];
  for (const row of statement.iterate(...job.params) as IterableIterator<unknown[]>) {
    rows.push(row);
    if (rows.length === settings.rowsPerBatch) {
      // Leaving the loop early ends the iteration (and its read snapshot); done still frees the worker.
      if (!mayPost()) {
        rows = [];
        break;
      }
      parentPort!.postMessage({ id: job.id, columns, rows, done: false } satisfies ReadAnswer);
      rows = [];
    }
  }
  parentPort!.postMessage({ id: job.id, columns, rows, done: true } satisfies ReadAnswer);
}

parentPort!.on('message', (job: ReadJob) => {
  try {
    run(job);
  } catch (error) {
    const e = error as { message?: string; code?: string };
    parentPort!.postMessage({ id: job.id, error: { message: String(e.message ?? error), code: e.code } } satisfies ReadAnswer);
  }
});
parentPort!.postMessage({ ready: true } satisfies ReadAnswer);
