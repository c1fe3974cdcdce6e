import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from './1763900000000-initial-schema';

/**
 * Rate limits (sign-in attempts, feedback links) counted in the database, so several servers behind
 * one proxy share one count (issue 19). One row per limited route and address, for its current window.
 */
export class RateLimits1763900001500 implements MigrationInterface {
  name = 'RateLimits1763900001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'rate_limits',
        columns: [
          { name: 'bucket', type: 'varchar', length: '128', isPrimary: true },
          c.int('hits'),
          c.varchar('window_ends_at', 24),
          c.varchar('blocked_until', 24, true),
        ],
        indices: [new TableIndex({ name: 'ix_rate_limits_window', columnNames: ['window_ends_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rate_limits');
  }
}
