import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * Impact figures (Warwickshire 3.6): counts of concerns by source and of Channel referrals, per
 * organisation and quarter. Counts only: there is deliberately no column for who was referred.
 * Also the default role codes that name an organisation's Prevent lead (lead coverage report).
 */
export class ImpactAndLeads1763900000400 implements MigrationInterface {
  name = 'ImpactAndLeads1763900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'impact_figures',
        columns: [
          c.id(),
          c.int('organisation_id'),
          c.int('year'),
          c.int('quarter'),
          c.int('concerns_education'),
          c.int('concerns_health'),
          c.int('concerns_local_authority'),
          c.int('concerns_police'),
          c.int('concerns_community'),
          c.int('concerns_other'),
          c.int('channel_referrals'),
          c.varchar('recorded_by', 254, true),
          ...c.timestamps(),
        ],
        indices: [
          new TableIndex({ name: 'uq_impact_organisation_quarter', columnNames: ['organisation_id', 'year', 'quarter'], isUnique: true }),
        ],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'CASCADE')],
      }),
    );
    await queryRunner.query(
      queryRunner.connection.options.type === 'postgres'
        ? 'INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING'
        : 'INSERT OR IGNORE INTO app_settings (key, value) VALUES (?, ?)',
      ['prevent_lead_role_codes', JSON.stringify(['PREVENT_LEAD', 'DSL'])],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      queryRunner.connection.options.type === 'postgres' ? 'DELETE FROM app_settings WHERE key = $1' : 'DELETE FROM app_settings WHERE key = ?',
      ['prevent_lead_role_codes'],
    );
    await queryRunner.dropTable('impact_figures');
  }
}
