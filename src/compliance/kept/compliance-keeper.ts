import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, EventSubscriber, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { flowContext, inOwnFlow, letOtherRequestsIn } from '../../database/flow-context';
import { IN_TRANSACTION_LIMIT, refreshStale, spansAreCurrent } from './kept-spans';

/**
 * People per batch of the keeper: on SQLite a batch is written on the main thread, so it stays
 * short enough for the requests waiting meanwhile (about 20 ms).
 */
const KEEPER_BATCH = 100;

/** The keeper of each data source the app serves: the subscriber refreshes only on those. */
const keepers = new WeakMap<DataSource, ComplianceKeeper>();
/** Data sources running or undoing migrations now: their transactions may not have the kept tables yet, or any more. */
const migrating = new WeakSet<DataSource>();
const marked = new WeakSet<DataSource>();

/** Marks the data source's migration runs, so their commits are left alone. */
function markMigrations(dataSource: DataSource): void {
  if (marked.has(dataSource)) return;
  marked.add(dataSource);
  for (const name of ['runMigrations', 'undoLastMigration'] as const) {
    const original = dataSource[name].bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(dataSource, {
      [name]: async (...args: unknown[]) => {
        migrating.add(dataSource);
        try {
          return await original(...args);
        } finally {
          migrating.delete(dataSource);
        }
      },
    });
  }
}

/**
 * Refreshes the spans of the people a transaction made stale before it commits, so the kept table
 * changes with the data it is worked out from. More than IN_TRANSACTION_LIMIT people (an import,
 * an edit of the framework) are left to the keeper, which tells readers meanwhile to work from the
 * raw tables.
 */
@EventSubscriber()
export class KeptComplianceSubscriber implements EntitySubscriberInterface {
  /** Query runners whose open transaction leaves people to the keeper: it is set to work once that commits. */
  private readonly leftToKeeper = new WeakSet<object>();

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const keeper = keepers.get(event.connection);
    // Also at the end of a nested transaction (a savepoint): harmless, as the outer one still commits or not as a whole.
    if (!keeper || !event.queryRunner || migrating.has(event.connection) || keeper.isOwnFlow()) return;
    const refreshed = await refreshStale(event.manager, IN_TRANSACTION_LIMIT);
    if (refreshed === null) this.leftToKeeper.add(event.queryRunner);
  }

  /** Once the outermost transaction has committed, its stale people are visible to the keeper's own transactions. */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner && !event.queryRunner.isTransactionActive && this.leftToKeeper.delete(event.queryRunner)) keepers.get(event.connection)?.nudge();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner && !event.queryRunner.isTransactionActive) this.leftToKeeper.delete(event.queryRunner);
  }
}

/**
 * Works through the people left stale (when the server starts, after a bulk write, after seeding),
 * in batches of their own transactions with pauses for other requests between them. Several
 * servers may do so at once: each batch takes its turn (kept-spans.refreshStale).
 */
@Injectable()
export class ComplianceKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ComplianceKeeper');
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly flows = new WeakSet<object>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    // The migrations that ran as the data source started did so before this.
    markMigrations(this.dataSource);
    keepers.set(this.dataSource, this);
    this.nudge();
  }

  /**
   * Before any module's shutdown, so the batch under way commits or rolls back before the
   * database connections close (in onApplicationShutdown it could be cut off: "Connection terminated").
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    keepers.delete(this.dataSource);
    await this.running;
  }

  /** Whether the kept spans may answer now; when not, the keeper is set to work. */
  async current(): Promise<boolean> {
    const current = await spansAreCurrent(this.dataSource);
    if (!current) this.nudge();
    return current;
  }

  /** Starts working through the stale people, unless it is already. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = inOwnFlow(() => this.work())
      .catch((error: Error) => this.logger.error(`Refreshing kept compliance failed: ${error.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Resolves once no one is stale (for tests, the seeder and the benchmarks). */
  async settled(): Promise<void> {
    this.nudge();
    while (this.running) await this.running;
  }

  /** Whether the current flow is the keeper's own work (its batches are the refresh). */
  isOwnFlow(): boolean {
    const flow = flowContext.getStore();
    return flow !== undefined && this.flows.has(flow);
  }

  private async work(): Promise<void> {
    const flow = flowContext.getStore();
    if (flow) this.flows.add(flow);
    while (!this.stopped) {
      const refreshed = await this.dataSource.transaction((m) => refreshStale(m, KEEPER_BATCH, { atMost: true }));
      if (refreshed === 0) return;
      await letOtherRequestsIn(10);
    }
  }
}
