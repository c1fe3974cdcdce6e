import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from './1763900000000-initial-schema';

/**
 * Who looked at named lists (issue 17): one row per view or download of a list of people, with the
 * account, the list, its filter and how many people it named. No foreign keys, so an entry outlives
 * the account and costs one plain insert. The privacy notice's controller details are an app setting
 * (app_settings), so they need no table.
 */
export class AccessLogAndPrivacy1763900002100 implements MigrationInterface {
  name = 'AccessLogAndPrivacy1763900002100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'named_access_log',
        columns: [c.id(), c.created(), c.int('user_id', true), c.varchar('list', 60), c.varchar('format', 8), c.text('filter_json', true), c.int('row_count'), c.int('organisation_id', true)],
        indices: [
          new TableIndex({ name: 'ix_named_access_created', columnNames: ['created_at'] }),
          new TableIndex({ name: 'ix_named_access_organisation', columnNames: ['organisation_id', 'id'] }),
          new TableIndex({ name: 'ix_named_access_user', columnNames: ['user_id', 'id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('named_access_log');
  }
}
