import type { DataSource, QueryRunner } from 'typeorm';
import { flowContext } from './flow-context';

/** Work outside any flow (start-up, migrations, seeding) counts as one flow of its own. */
const OUTSIDE_ANY_FLOW = {};

/**
 * better-sqlite3 gives TypeORM one connection and one query runner for the whole process, so
 * without this a second request's transaction would run as a savepoint inside the first, and a
 * plain query from another request would join whichever transaction is open (and be rolled back
 * with it). The gate makes SQLite behave as PostgreSQL does: a transaction has the connection to
 * itself from BEGIN to COMMIT/ROLLBACK; other flows' queries and transactions wait for it, and a
 * transaction waits for statements already under way. PostgreSQL needs none of this: every
 * transaction there has its own pooled connection.
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
