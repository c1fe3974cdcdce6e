import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource, QueryFailedError, QueryResult } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { sql, sqlitePlaceholders } from '../sql';
import { ReadsBeside, sqliteGateOf } from '../sqlite-transaction-gate';
import type { CheckpointAnswer, CheckpointWorkerData } from './checkpoint-worker';
import type { ReadAnswer, ReadJob, ReadWorkerData } from './read-worker';
import { readsOffMainThread } from './reads-off-main-thread';

/** Rows a worker sends at a time, and how many such batches may be on their way at once. */
const ROWS_PER_BATCH = 2000;
const BATCHES_IN_FLIGHT = 4;
/**
 * SQLite page cache of each read connection (the main connection has 16 MB). Reports read the
 * kept compliance table's index in order, which the operating system's file cache serves as well,
 * so a larger cache bought little speed for its memory: at 500,000 people four first views of the
 * quarterly report took 2.1-2.4 s with 8 MB against 2.1-2.5 s with 32 MB, and the server's peak
 * fell from 440 to 324 MB.
 */
const CACHE_KIB = 8 * 1024;
/** A worker holds one batch of rows at a time; a runaway one stops alone rather than the server. */
const WORKER_HEAP_MB = 512;
/** How often the checkpoint thread copies the write-ahead log into the database file (checkpoint-worker.ts). */
const CHECKPOINT_MS = 1000;
/** SQLite's own threshold for the main connection's automatic checkpoints, in pages, when the checkpoint thread is not running. */
const AUTOCHECKPOINT_PAGES = 1000;
/** Statements remembered: whether each only reads, and the prepared ones of this thread's connection. */
const KEPT = 500;

interface Batches {
  columns: string[];
  rows: unknown[][];
}

/** One query in the pool: its batches as they arrive, taken by the reader. */
export class PooledQuery {
  private readonly arrived: unknown[][][] = [];
  private columns: string[] = [];
  private done = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  /** Called when the reader has taken a batch (the worker may send another) or gave up. */
  taken: () => void = () => undefined;
  cancel: () => void = () => undefined;

  constructor(readonly message: ReadJob) {}

  push(columns: string[], rows: unknown[][], done: boolean): void {
    this.columns = columns;
    if (rows.length > 0) this.arrived.push(rows);
    this.done = done;
    this.wake?.();
  }

  fail(error: Error): void {
    this.failure = error;
    this.wake?.();
  }

  async *batches(): AsyncGenerator<Batches> {
    try {
      for (;;) {
        const rows = this.arrived.shift();
        if (rows) {
          this.taken();
          yield { columns: this.columns, rows };
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    } finally {
      if (!this.done && !this.failure) this.cancel();
    }
  }
}

interface ReadThread {
  worker: Worker;
  /** [credits, cancelled], shared with the worker. */
  control: Int32Array;
  ready: boolean;
  /** Settles once the worker has opened its connection, or could not. */
  started: Promise<void>;
  failedToStart: (error: Error) => void;
  job: PooledQuery | null;
  error: Error | null;
}

function rowObjects(columns: string[], rows: unknown[][]): Record<string, unknown>[] {
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) record[columns[i]] = row[i];
    return record;
  });
}

/**
 * The worker's source: the compiled file under dist/, or under jest (and `node -r swc-register`)
 * the TypeScript itself, compiled in the thread by @swc/core as the tests compile everything else.
 */
function workerScript(name: 'read-worker' | 'checkpoint-worker'): { script: string; evaluated: boolean } {
  const built = join(__dirname, `${name}.js`);
  if (existsSync(built)) return { script: built, evaluated: false };
  const source = join(__dirname, `${name}.ts`);
  const swc = require.resolve('@swc/core', { paths: [__dirname] });
  const script = `
    const { transformSync } = require(${JSON.stringify(swc)});
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'),
      { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }).code, filename);
    require(${JSON.stringify(source)});`;
  return { script, evaluated: true };
}

function sqliteFile(dataSource: DataSource): string | null {
  const file = dataSource.options.type === 'better-sqlite3' ? dataSource.options.database : null;
  return typeof file === 'string' && file !== '' && file !== ':memory:' && !file.startsWith('file::memory:') ? file : null;
}

/**
 * Reads beside the writer and off Node's main thread (SQLite). READ_POOL_SIZE worker threads each
 * hold a read-only connection to the database file; a statement there sees what was committed
 * when it started (WAL), never a transaction still open on the main connection, so a long import
 * no longer holds up reports, lists and searches, and their CPU is spent off the event loop.
 *
 * Reads reach it two ways: `query()` for raw SQL, and the flows marked with ReadsOffMainThread,
 * whose SELECTs the transaction gate sends here. A flow inside its own transaction always reads on
 * the main connection, so it sees its own rows. On PostgreSQL (pooled connections already run in
 * parallel) and with READ_POOL_SIZE=0 everything runs on the DataSource as before.
 *
 * A worker that stops (a crash, out of memory) fails the query it was running with an error,
 * answered 500 like any other, and is replaced.
 *
 * One more thread checkpoints the write-ahead log (checkpoint-worker.ts), so the main connection
 * no longer does so on the commits that pass SQLite's threshold.
 */
@Injectable()
export class ReadPool implements OnModuleInit, OnApplicationShutdown, ReadsBeside {
  private readonly logger = new Logger('ReadPool');
  private threads: ReadThread[] = [];
  /** READ_POOL_SIZE once started on SQLite, else 0. */
  private wanted = 0;
  private readonly queue: PooledQuery[] = [];
  private file: string | null = null;
  /** A read-only connection on this thread: quick reads while another flow's transaction is open, and telling reads from writes. */
  private here: Database.Database | null = null;
  private readonly statementsHere = new Map<string, Database.Statement>();
  private readonly readOnly = new Map<string, boolean>();
  private nextId = 1;
  private stopping = false;
  private checkpointer: Worker | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** How many worker threads run reads (0: the pool is off). */
  get size(): number {
    return this.wanted;
  }

  /** How many workers are running a query now. */
  get busy(): number {
    return this.threads.filter((t) => t.job !== null).length;
  }

  async onModuleInit(): Promise<void> {
    const gate = sqliteGateOf(this.dataSource);
    this.file = sqliteFile(this.dataSource);
    if (!gate || !this.file || this.config.READ_POOL_SIZE === 0) return;
    this.here = new Database(this.file, { readonly: true, fileMustExist: true });
    this.here.pragma('busy_timeout = 5000');
    this.here.pragma('query_only = ON');
    this.wanted = this.config.READ_POOL_SIZE;
    this.startThreads();
    // Start-up fails loudly when a worker cannot open the database.
    await Promise.all(this.threads.map((t) => t.started));
    gate.readsBeside = this;
    await this.startCheckpointer();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const gate = sqliteGateOf(this.dataSource);
    if (gate) gate.readsBeside = null;
    for (const job of this.queue.splice(0)) job.fail(new Error('The server is stopping'));
    await this.stopCheckpointer();
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    this.threads = [];
    this.here?.close();
    this.here = null;
  }

  /**
   * Runs read-only SQL written with $1, $2 placeholders (as `sql()`): in the pool on SQLite, on
   * the DataSource on PostgreSQL, when the pool is off, or inside the flow's own transaction.
   */
  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    if (!this.running()) return sql<T>(this.dataSource, text, params);
    const { rewritten, ordered } = sqlitePlaceholders(text, params);
    return (await this.inPool(rewritten, ordered, false)) as T[];
  }

  /** Runs fn with its reads in the pool (ReadsOffMainThread, as a function). */
  offMainThread<T>(fn: () => Promise<T>): Promise<T> {
    return readsOffMainThread(fn);
  }

  /**
   * The rows of a read-only statement ($n placeholders) a batch at a time, for results too large to
   * hold at once: the worker sends the next batches only as these are taken.
   */
  async *batches<T = Record<string, unknown>>(text: string, params: unknown[] = []): AsyncGenerator<T[]> {
    if (!this.running()) {
      yield await sql<T>(this.dataSource, text, params);
      return;
    }
    const { rewritten, ordered } = sqlitePlaceholders(text, params);
    for await (const { columns, rows } of this.submit(rewritten, ordered).batches()) yield rowObjects(columns, rows) as T[];
  }

  // ReadsBeside: what the transaction gate calls (SQLite placeholders, parameters already bindable).

  isRead(query: string): boolean {
    if (!this.here || !/^\s*(SELECT|WITH)\b/i.test(query)) return false;
    let known = this.readOnly.get(query);
    if (known === undefined) {
      try {
        const statement = this.here.prepare(query);
        known = statement.reader && statement.readonly;
      } catch {
        // Let the main connection report what is wrong with it.
        known = false;
      }
      this.remember(this.readOnly, query, known);
    }
    return known;
  }

  async inPool(query: string, parameters: unknown[], structured: boolean): Promise<unknown> {
    const rows: Record<string, unknown>[] = [];
    for await (const { columns, rows: batch } of this.submit(query, parameters).batches()) {
      for (const row of rowObjects(columns, batch)) rows.push(row);
    }
    return structured ? Object.assign(new QueryResult(), { records: rows, raw: rows }) : rows;
  }

  beside(query: string, parameters: unknown[], structured: boolean): unknown {
    let rows: unknown[];
    try {
      let statement = this.statementsHere.get(query);
      if (!statement) this.remember(this.statementsHere, query, (statement = this.here!.prepare(query)));
      rows = statement.all(...parameters);
    } catch (error) {
      throw new QueryFailedError(query, parameters, error as Error);
    }
    return structured ? Object.assign(new QueryResult(), { records: rows, raw: rows }) : rows;
  }

  private running(): boolean {
    return this.wanted > 0 && !this.stopping && !sqliteGateOf(this.dataSource)?.inOwnTransaction();
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.set(key, value);
    while (map.size > KEPT) map.delete(map.keys().next().value!);
  }

  private submit(query: string, parameters: unknown[]): PooledQuery {
    const job = new PooledQuery({ id: this.nextId++, sql: query, params: parameters });
    if (this.stopping) {
      job.fail(new Error('The server is stopping'));
      return job;
    }
    // Workers that could not start are tried again when there is work, not in a loop.
    this.startThreads();
    this.queue.push(job);
    this.dispatch();
    return job;
  }

  private startThreads(): void {
    while (this.threads.length < this.wanted) this.threads.push(this.startThread());
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (this.queue.length === 0) return;
      if (!thread.ready || thread.job) continue;
      const job = this.queue.shift()!;
      thread.job = job;
      Atomics.store(thread.control, 0, BATCHES_IN_FLIGHT);
      Atomics.store(thread.control, 1, 0);
      job.taken = () => {
        if (thread.job !== job) return;
        Atomics.add(thread.control, 0, 1);
        Atomics.notify(thread.control, 0);
      };
      job.cancel = () => {
        if (thread.job !== job) return;
        Atomics.store(thread.control, 1, 1);
        Atomics.notify(thread.control, 0);
      };
      thread.worker.postMessage(job.message);
    }
  }

  /**
   * Starts the checkpoint thread, then turns the main connection's automatic checkpoints off. If
   * the thread stops, they are turned on again: the log never grows without a checkpoint.
   */
  private async startCheckpointer(): Promise<void> {
    const { script, evaluated } = workerScript('checkpoint-worker');
    const workerData: CheckpointWorkerData = { file: this.file!, everyMs: CHECKPOINT_MS };
    const worker = new Worker(script, { eval: evaluated, workerData, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2 } });
    worker.unref();
    let error: Error | null = null;
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (answer: CheckpointAnswer) => {
        if ('ready' in answer) resolve();
        else this.logger.warn(`A checkpoint of the write-ahead log failed: ${answer.error}`);
      });
      worker.on('error', (e) => (error = e));
      worker.on('exit', (code) => {
        reject(new Error(`The checkpoint thread could not start: ${error?.message ?? `it exited with code ${code}`}`));
        if (this.checkpointer !== worker) return;
        this.checkpointer = null;
        this.logger.error(`The checkpoint thread stopped (${error?.message ?? `code ${code}`}); the main connection checkpoints again`);
        void this.mainConnectionCheckpoints();
      });
    });
    await ready;
    this.checkpointer = worker;
    await this.dataSource.query('PRAGMA wal_autocheckpoint = 0');
  }

  private async stopCheckpointer(): Promise<void> {
    const worker = this.checkpointer;
    if (!worker) return;
    this.checkpointer = null;
    const exited = once(worker, 'exit');
    worker.postMessage('stop');
    const late = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(late);
    // Whatever the log still holds is copied back when the last connection closes, as SQLite always does.
    await this.mainConnectionCheckpoints();
  }

  /** The main connection's automatic checkpoints back on, as SQLite has them by default. */
  private async mainConnectionCheckpoints(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.query(`PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`).catch(() => undefined);
  }

  private startThread(): ReadThread {
    const { script, evaluated } = workerScript('read-worker');
    const control = new Int32Array(new SharedArrayBuffer(8));
    const workerData: ReadWorkerData = { file: this.file!, cacheKib: CACHE_KIB, rowsPerBatch: ROWS_PER_BATCH, control: control.buffer as SharedArrayBuffer };
    const worker = new Worker(script, { eval: evaluated, workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 4 } });
    // Workers never keep the process alive on their own (the app stops them on shutdown).
    worker.unref();
    let started!: () => void;
    const thread: ReadThread = {
      worker,
      control,
      ready: false,
      started: Promise.resolve(),
      failedToStart: () => undefined,
      job: null,
      error: null,
    };
    thread.started = new Promise<void>((resolve, reject) => ((started = resolve), (thread.failedToStart = reject)));
    // Awaited in onModuleInit; a later replacement's failure is logged in stopped().
    thread.started.catch(() => undefined);
    worker.on('message', (answer: ReadAnswer) => {
      if ('ready' in answer) {
        thread.ready = true;
        started();
        this.dispatch();
        return;
      }
      const job = thread.job;
      if (!job || job.message.id !== answer.id) return;
      if ('error' in answer) {
        thread.job = null;
        const driverError = Object.assign(new Error(answer.error.message), { code: answer.error.code });
        job.fail(new QueryFailedError(job.message.sql, job.message.params, driverError));
      } else {
        if (answer.done) thread.job = null;
        job.push(answer.columns, answer.rows, answer.done);
      }
      this.dispatch();
    });
    worker.on('error', (error) => (thread.error = error));
    worker.on('exit', (code) => this.stopped(thread, code));
    return thread;
  }

  /** A worker ended: fail what it was running; replace it unless the server is stopping or it never started. */
  private stopped(thread: ReadThread, code: number): void {
    this.threads = this.threads.filter((t) => t !== thread);
    const why = thread.error?.message ?? `it exited with code ${code}`;
    const job = thread.job;
    thread.job = null;
    if (!thread.ready) thread.failedToStart(new Error(`A read worker could not start: ${why}`));
    if (job) job.fail(new Error(`A read worker stopped while running a query: ${why}`));
    if (this.stopping) return;
    if (!thread.ready) {
      // Not replaced at once (that could loop): the next query tries again; those waiting fail loudly.
      this.logger.error(`A read worker could not start: ${why}`);
      if (!this.threads.some((t) => t.ready)) for (const queued of this.queue.splice(0)) queued.fail(new Error(`No read worker is running: ${why}`));
      return;
    }
    this.logger.error(`A read worker stopped (${why}); starting another`);
    this.startThreads();
  }
}
