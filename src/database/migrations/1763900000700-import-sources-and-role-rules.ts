import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * Imports that read real exports (issue 13): the HR columns role rules read (job title, position,
 * staff group, department), the administrator's role rules and the roles they gave, remembered
 * organisation names, and on each import its options (header row, extract date, per-file
 * course), the rows it left out and what its preview found (warnings, role changes).
 */
export class ImportSourcesAndRoleRules1763900000700 implements MigrationInterface {
  name = 'ImportSourcesAndRoleRules1763900000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    for (const name of ['job_title', 'position', 'staff_group', 'department']) {
      await queryRunner.addColumn('staff', new TableColumn({ name, type: 'varchar', length: '200', isNullable: true }));
    }
    await queryRunner.addColumn('imports', new TableColumn({ name: 'options', type: 'text', isNullable: true }));
    await queryRunner.addColumn('imports', new TableColumn({ name: 'report', type: 'text', isNullable: true }));
    await queryRunner.addColumn('imports', new TableColumn({ name: 'excluded_count', type: 'integer', default: 0 }));

    await queryRunner.createTable(
      new Table({
        name: 'role_rules',
        columns: [c.id(), c.varchar('field', 20), c.varchar('operator', 20), c.varchar('value', 200), c.int('role_id'), c.varchar('effect', 10), c.int('position_in_table'), ...c.timestamps()],
        foreignKeys: [fk(['role_id'], 'roles', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff_rule_roles',
        columns: [
          { name: 'staff_id', type: 'integer', isPrimary: true },
          { name: 'role_id', type: 'integer', isPrimary: true },
        ],
        indices: [new TableIndex({ name: 'ix_staff_rule_roles_role', columnNames: ['role_id'] })],
        foreignKeys: [fk(['staff_id'], 'staff', 'CASCADE'), fk(['role_id'], 'roles', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'import_organisation_names',
        columns: [c.id(), c.int('scope_organisation_id', true), c.varchar('name_key', 200), c.int('organisation_id'), ...c.timestamps()],
        indices: [new TableIndex({ name: 'ix_import_organisation_names_lookup', columnNames: ['scope_organisation_id', 'name_key'] })],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'CASCADE'), fk(['scope_organisation_id'], 'organisations', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['import_organisation_names', 'staff_rule_roles', 'role_rules']) await queryRunner.dropTable(table);
    for (const name of ['excluded_count', 'report', 'options']) await queryRunner.dropColumn('imports', name);
    for (const name of ['department', 'staff_group', 'position', 'job_title']) await queryRunner.dropColumn('staff', name);
  }
}
