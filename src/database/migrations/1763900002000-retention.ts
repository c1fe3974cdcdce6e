import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * Retention and erasure (issue 17): when and why a person's details were removed, an index on
 * leavers' end dates so the daily run finds the leavers past their period without reading everyone
 * (and on signed feedback by person, which it unlinks), and
 * the organisations whose retention period differs from the partnership's (which is kept in
 * app_settings, six years when not set).
 */
export class Retention1763900002000 implements MigrationInterface {
  name = 'Retention1763900002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    // Plain ALTER TABLE on both databases: TypeORM's addColumn rebuilds a SQLite table and would drop
    // the expression indexes of the person search (migration 1763900001750), which it cannot describe.
    await queryRunner.query('ALTER TABLE staff ADD COLUMN anonymised_at varchar(24)');
    await queryRunner.query('ALTER TABLE staff ADD COLUMN anonymised_reason varchar(30)');
    // Leavers not yet anonymised (reason empty), by end date: what the daily run looks for.
    await queryRunner.createIndex('staff', new TableIndex({ name: 'ix_staff_retention', columnNames: ['anonymised_reason', 'end_date'] }));
    await queryRunner.createIndex('session_feedback', new TableIndex({ name: 'ix_feedback_staff', columnNames: ['staff_id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'retention_overrides',
        columns: [{ name: 'organisation_id', type: 'integer', isPrimary: true }, c.int('years'), c.varchar('set_by', 254), c.varchar('set_at', 24)],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('retention_overrides');
    await queryRunner.dropIndex('session_feedback', 'ix_feedback_staff');
    await queryRunner.dropIndex('staff', 'ix_staff_retention');
    await queryRunner.query('ALTER TABLE staff DROP COLUMN anonymised_reason');
    await queryRunner.query('ALTER TABLE staff DROP COLUMN anonymised_at');
  }
}
