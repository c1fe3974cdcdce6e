import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * Scheduled delivery of reports (issue 15): a coordinator's list of addresses that a report for an
 * organisation is emailed to when a quarter closes, or weekly or monthly. Each delivery is an outbox
 * message whose key names the subscription, the period and the address, so it is sent once.
 */
export class ReturnsAndSubscriptions1763900001900 implements MigrationInterface {
  name = 'ReturnsAndSubscriptions1763900001900';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'report_subscriptions',
        columns: [
          c.id(),
          c.int('organisation_id'),
          c.varchar('report', 30),
          c.varchar('frequency', 12),
          c.text('recipients'),
          c.varchar('created_by', 254),
          c.varchar('created_on', 10),
          ...c.timestamps(),
        ],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'CASCADE')],
        indices: [new TableIndex({ name: 'ix_report_subscriptions_organisation', columnNames: ['organisation_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('report_subscriptions');
  }
}
