import type { DataSource, QueryRunner } from 'typeorm';
import { flowContext } from './flow-context';
import { prefersReadPool } from './read-pool/reads-off-main-thread';

/** Work outside any flow (start-up, migrations, seeding) counts as one flow of its own. */
const OUTSIDE_ANY_FLOW = {};

/** Where a read may run instead of waiting for the connection: the read pool (read-pool/read-pool.service.ts). */
export interface ReadsBeside {
  /** Whether the statement only reads and returns rows, so it may run on a read-only connection. */
  isRead(query: string): boolean;
  /** Runs it in a worker thread on a read-only connection, answering as the query runner would. */
  inPool(query: string, parameters: unknown[], structured: boolean): Promise<unknown>;
  /** Runs it at once on a read-only connection on this thread. */
  beside(query: string, parameters: unknown[], structured: boolean): unknown;
}

export interface SqliteGate {
  /** Whether the current flow has a transaction open (its reads must see its own uncommitted rows). */
  inOwnTransaction(): boolean;
  /** Set by the read pool while it runs. */
  readsBeside: ReadsBeside | null;
}

const gates = new WeakMap<DataSource, SqliteGate>();

/** The gate of a SQLite data source; undefined on PostgreSQL. */
export function sqliteGateOf(dataSource: DataSource): SqliteGate | undefined {
  return gates.get(dataSource);
}

/**
 * better-sqlite3 gives TypeORM one connection and one query runner for the whole process, so
 * without this a second request's transaction would run as a savepoint inside the first, and a
 * plain query from another request would join whichever transaction is open (and be rolled back
 * with it). The gate makes SQLite behave as PostgreSQL does: a transaction has the connection to
 * itself from BEGIN to COMMIT/ROLLBACK; other flows' queries and transactions wait for it, and a
 * transaction waits for statements already under way. PostgreSQL needs none of this: every
 * transaction there has its own pooled connection.
 *
 * The gate serialises writers only: once the read pool runs (readsBeside), a read from a flow not
 * in a transaction of its own does not wait. It runs on a read-only connection, which sees what was
 * last committed (WAL), as a PostgreSQL read beside an open transaction does: in a worker thread
 * when the flow asked for that (ReadsOffMainThread), else at once on this thread while another
 * flow's transaction is open. A flow's reads inside its own transaction stay on its connection.
 */
export function installSqliteTransactionGate(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const runner = dataSource.createQueryRunner() as QueryRunner & Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = {
    query: runner.query.bind(runner),
    startTransaction: runner.startTransaction.bind(runner),
    commitTransaction: runner.commitTransaction.bind(runner),
    rollbackTransaction: runner.rollbackTransaction.bind(runner),
  };
  let holder: object | null = null;
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const flow = () => flowContext.getStore() ?? OUTSIDE_ANY_FLOW;
  const gate: SqliteGate = { inOwnTransaction: () => holder === flow(), readsBeside: null };
  gates.set(dataSource, gate);
  const wake = () => {
    const woken = waiters;
    waiters = [];
    woken.forEach((resolve) => resolve());
  };
  const wait = () => new Promise<void>((resolve) => waiters.push(resolve));
  const release = () => {
    if (!runner.isTransactionActive) {
      holder = null;
      wake();
    }
  };

  runner.query = async (...args: unknown[]) => {
    const me = flow();
    if (holder === me) return original.query(...(args as Parameters<QueryRunner['query']>));
    const reads = gate.readsBeside;
    const [query, parameters = [], structured = false] = args as [string, unknown[]?, boolean?];
    if (reads && (holder !== null || prefersReadPool()) && reads.isRead(query)) {
      // better-sqlite3 cannot bind booleans: 0/1, as the query runner does.
      const values = parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
      return prefersReadPool() ? reads.inPool(query, values, structured) : reads.beside(query, values, structured);
    }
    // The check and the claim must happen in one synchronous step, with no await between them.
    while (holder !== null) await wait();
    inFlight++;
    try {
      return await original.query(...(args as Parameters<QueryRunner['query']>));
    } finally {
      inFlight--;
      if (inFlight === 0) wake();
    }
  };
  runner.startTransaction = async (...args: unknown[]) => {
    const me = flow();
    if (holder !== me) {
      while (holder !== null || inFlight > 0) await wait();
      holder = me;
    }
    try {
      return await original.startTransaction(...(args as Parameters<QueryRunner['startTransaction']>));
    } catch (error) {
      release();
      throw error;
    }
  };
  runner.commitTransaction = async () => {
    try {
      return await original.commitTransaction();
    } finally {
      release();
    }
  };
  runner.rollbackTransaction = async () => {
    try {
      return await original.rollbackTransaction();
    } catch (error) {
      // SQLite rolls a transaction back itself on some errors (SQLITE_FULL: the disk is full), and
      // then ROLLBACK fails. TypeORM would think it still open, and every flow would wait for
      // it for ever: the rollback has happened, so say so.
      const connection = (dataSource.driver as unknown as { databaseConnection?: { inTransaction?: boolean } }).databaseConnection;
      if (connection?.inTransaction !== false) throw error;
      const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
      state.isTransactionActive = false;
      state.transactionDepth = 0;
    } finally {
      release();
    }
  };
}
