import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/** Imports of staff lists and completions: the record of each upload, its row errors, remembered mappings. */
export class Imports1763900000200 implements MigrationInterface {
  name = 'Imports1763900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const count = (name: string): TableColumnOptions => ({ name, type: 'integer', default: 0 });

    await queryRunner.createTable(
      new Table({
        name: 'imports',
        columns: [
          c.id(),
          c.varchar('kind', 20),
          c.varchar('status', 12),
          c.varchar('file_name', 255),
          c.varchar('stored_path', 500, true),
          c.int('organisation_id', true),
          c.int('scope_organisation_id', true),
          c.bool('mark_leavers', false),
          c.bool('valid_rows_only', false),
          c.text('mapping', true),
          count('total_rows'),
          count('created_count'),
          count('updated_count'),
          count('unchanged_count'),
          count('duplicate_count'),
          count('leaver_count'),
          count('error_row_count'),
          count('skipped_count'),
          count('error_count'),
          c.text('column_report', true),
          c.text('message', true),
          c.varchar('created_by', 254),
          ...c.timestamps(),
        ],
        indices: [
          new TableIndex({ name: 'ix_imports_created', columnNames: ['created_at'] }),
          new TableIndex({ name: 'ix_imports_organisation', columnNames: ['organisation_id'] }),
          new TableIndex({ name: 'ix_imports_scope_organisation', columnNames: ['scope_organisation_id'] }),
        ],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'SET NULL')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'import_errors',
        columns: [c.id(), c.int('import_id'), c.int('row_number'), c.varchar('column_name', 200, true), c.text('value', true), c.text('reason')],
        indices: [new TableIndex({ name: 'ix_import_errors_import', columnNames: ['import_id'] })],
        foreignKeys: [fk(['import_id'], 'imports', 'CASCADE')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'import_header_mappings',
        columns: [c.id(), c.int('organisation_id', true), c.varchar('kind', 20), c.varchar('header', 200), c.varchar('field', 40), ...c.timestamps()],
        indices: [new TableIndex({ name: 'ix_header_mappings_lookup', columnNames: ['organisation_id', 'kind'] })],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'CASCADE')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'course_mappings',
        columns: [c.id(), c.varchar('course_name', 200), c.varchar('name_key', 200), c.int('level_id'), ...c.timestamps()],
        indices: [new TableIndex({ name: 'uq_course_mappings_key', columnNames: ['name_key'], isUnique: true })],
        foreignKeys: [fk(['level_id'], 'levels', 'CASCADE')],
      }),
    );
    // Names learning platforms and trainers commonly use; editable on the course mappings page.
    for (const [name, level] of [
      ['Prevent awareness e-learning', 'L1'],
      ['Home Office Prevent e-learning', 'L1'],
      ['Prevent duty training', 'L1'],
      ['WRAP', 'L2'],
      ['Workshop to Raise Awareness of Prevent', 'L2'],
      ['WRAP: Workshop to Raise Awareness of Prevent', 'L2'],
      ['WRAP train the trainer', 'L3'],
    ]) {
      await queryRunner.query(
        queryRunner.connection.options.type === 'postgres'
          ? 'INSERT INTO course_mappings (course_name, name_key, level_id) SELECT $1, $2, id FROM levels WHERE code = $3'
          : 'INSERT INTO course_mappings (course_name, name_key, level_id) SELECT ?, ?, id FROM levels WHERE code = ?',
        [name, name.toLowerCase(), level],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['course_mappings', 'import_header_mappings', 'import_errors', 'imports']) await queryRunner.dropTable(table);
  }
}
