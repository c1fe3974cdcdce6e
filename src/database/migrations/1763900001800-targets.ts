import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * Targets (src/reports/targets): a level's target compliance % and amber margin, partnership-wide,
 * for a sector or for an organisation's subtree. Percentages in whole tenths (87.5% is 875).
 */
export class Targets1763900001800 implements MigrationInterface {
  name = 'Targets1763900001800';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const [, updatedAt] = c.timestamps();
    await queryRunner.createTable(
      new Table({
        name: 'targets',
        columns: [
          c.id(),
          c.int('level_id'),
          c.varchar('reach_key', 60),
          c.varchar('sector', 40, true),
          c.int('organisation_id', true),
          c.int('target_tenths'),
          c.int('amber_margin_tenths'),
          c.varchar('updated_by', 254, true),
          updatedAt,
        ],
        indices: [
          new TableIndex({ name: 'uq_targets_level_reach', columnNames: ['level_id', 'reach_key'], isUnique: true }),
          new TableIndex({ name: 'ix_targets_organisation', columnNames: ['organisation_id'] }),
        ],
        foreignKeys: [fk(['level_id'], 'levels', 'CASCADE'), fk(['organisation_id'], 'organisations', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('targets');
  }
}
