import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isPostgres, sql } from '../database/sql';

/**
 * Transactions for session writes (bookings, registers, cancellations). On SQLite transactions
 * already run one at a time (src/database/sqlite-transaction-gate.ts); on PostgreSQL
 * `lockSession` serialises the writes to one session (SELECT ... FOR UPDATE), so two
 * coordinators cannot both take the last place.
 */
@Injectable()
export class SessionWrites {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Holds the session row until the transaction ends (PostgreSQL; SQLite is already serialised). */
  async lockSession(m: EntityManager, sessionId: number): Promise<void> {
    if (isPostgres(m)) await sql(m, 'SELECT id FROM training_sessions WHERE id = $1 FOR UPDATE', [sessionId]);
  }
}
