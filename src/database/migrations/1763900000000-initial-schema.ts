import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

/** The first schema: the framework, organisations, staff, sessions, bookings, completions, feedback. */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'organisations',
        columns: [
          c.id(),
          c.varchar('code', 40),
          c.varchar('name', 200),
          c.varchar('sector', 30),
          c.int('parent_id', true),
          c.bool('is_employer', false),
          c.varchar('path', 1000),
          c.int('depth'),
          ...c.timestamps(),
        ],
        indices: [new TableIndex({ name: 'uq_organisations_code', columnNames: ['code'], isUnique: true })],
        foreignKeys: [fk(['parent_id'], 'organisations', 'RESTRICT')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'organisation_closure',
        columns: [
          { name: 'ancestor_id', type: 'integer', isPrimary: true },
          { name: 'descendant_id', type: 'integer', isPrimary: true },
          c.int('depth'),
        ],
        indices: [new TableIndex({ name: 'ix_closure_descendant', columnNames: ['descendant_id'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'levels',
        columns: [c.id(), c.varchar('code', 10), c.varchar('name', 200), c.int('rank'), c.int('validity_months', true)],
        indices: [
          new TableIndex({ name: 'uq_levels_code', columnNames: ['code'], isUnique: true }),
          new TableIndex({ name: 'uq_levels_rank', columnNames: ['rank'], isUnique: true }),
        ],
      }),
    );
    // The framework's three levels exist from the start (Warwickshire action plan, Figure 2).
    await queryRunner.query(
      `INSERT INTO levels (code, name, rank, validity_months) VALUES
       ('L1', 'Prevent awareness e-learning', 1, 36),
       ('L2', 'WRAP: Workshop to Raise Awareness of Prevent', 2, 36),
       ('L3', 'WRAP train the trainer', 3, 36)`,
    );

    await queryRunner.createTable(
      new Table({
        name: 'roles',
        columns: [c.id(), c.varchar('code', 40), c.varchar('name', 200), c.text('description', true), ...c.timestamps()],
        indices: [new TableIndex({ name: 'uq_roles_code', columnNames: ['code'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'requirements',
        columns: [
          c.id(),
          c.int('role_id'),
          c.int('level_id'),
          c.int('organisation_id', true),
          { name: 'grace_days', type: 'integer', default: 0 },
          ...c.timestamps(),
        ],
        foreignKeys: [
          fk(['role_id'], 'roles', 'RESTRICT'),
          fk(['level_id'], 'levels', 'RESTRICT'),
          fk(['organisation_id'], 'organisations', 'RESTRICT'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'staff',
        columns: [
          c.id(),
          c.varchar('employee_ref', 60),
          c.varchar('first_name', 100),
          c.varchar('last_name', 100),
          c.varchar('email', 254, true),
          c.int('organisation_id'),
          c.int('employer_id'),
          c.int('manager_id', true),
          c.varchar('start_date', 10),
          c.varchar('end_date', 10, true),
          ...c.timestamps(),
        ],
        indices: [
          new TableIndex({ name: 'uq_staff_employer_ref', columnNames: ['employer_id', 'employee_ref'], isUnique: true }),
          new TableIndex({ name: 'ix_staff_email', columnNames: ['email'] }),
          new TableIndex({ name: 'ix_staff_organisation', columnNames: ['organisation_id'] }),
          new TableIndex({ name: 'ix_staff_manager', columnNames: ['manager_id'] }),
        ],
        foreignKeys: [
          fk(['organisation_id'], 'organisations', 'RESTRICT'),
          fk(['employer_id'], 'organisations', 'RESTRICT'),
          fk(['manager_id'], 'staff', 'SET NULL'),
        ],
      }),
    );

    await queryRunner.createTable(joinTable(queryRunner, 'staff_roles', ['staff_id', 'staff'], ['role_id', 'roles']));

    await queryRunner.createTable(
      new Table({
        name: 'training_sessions',
        columns: [
          c.id(),
          c.int('level_id'),
          c.varchar('title', 200),
          c.varchar('starts_at', 16),
          c.varchar('ends_at', 16),
          c.varchar('venue', 300, true),
          c.varchar('online_link', 500, true),
          c.int('host_organisation_id'),
          c.int('capacity'),
          { name: 'status', type: 'varchar', length: '12', default: "'scheduled'" },
          c.text('notes', true),
          c.varchar('external_trainer', 200, true),
          c.varchar('feedback_token', 64, true),
          c.varchar('feedback_closes_at', 16, true),
          ...c.timestamps(),
        ],
        indices: [
          new TableIndex({ name: 'ix_session_host_start', columnNames: ['host_organisation_id', 'starts_at'] }),
          new TableIndex({ name: 'ix_session_level_start', columnNames: ['level_id', 'starts_at'] }),
          new TableIndex({ name: 'uq_session_feedback_token', columnNames: ['feedback_token'], isUnique: true }),
        ],
        foreignKeys: [fk(['level_id'], 'levels', 'RESTRICT'), fk(['host_organisation_id'], 'organisations', 'RESTRICT')],
      }),
    );

    await queryRunner.createTable(
      joinTable(queryRunner, 'session_trainers', ['session_id', 'training_sessions'], ['staff_id', 'staff']),
    );

    await queryRunner.createTable(
      new Table({
        name: 'bookings',
        columns: [
          c.id(),
          c.int('session_id'),
          c.int('staff_id'),
          c.varchar('status', 12),
          c.varchar('attendance', 12, true),
          c.bool('walk_in', false),
          ...c.timestamps(),
        ],
        indices: [
          new TableIndex({ name: 'uq_booking_session_person', columnNames: ['session_id', 'staff_id'], isUnique: true }),
          new TableIndex({ name: 'ix_booking_staff', columnNames: ['staff_id'] }),
        ],
        foreignKeys: [fk(['session_id'], 'training_sessions', 'CASCADE'), fk(['staff_id'], 'staff', 'CASCADE')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'completions',
        columns: [
          c.id(),
          c.int('staff_id'),
          c.int('level_id'),
          c.varchar('completed_on', 10),
          c.varchar('source', 20),
          c.text('evidence', true),
          c.int('session_id', true),
          c.varchar('recorded_by', 254, true),
          c.created(),
        ],
        indices: [
          new TableIndex({
            name: 'uq_completion_person_level_date',
            columnNames: ['staff_id', 'level_id', 'completed_on'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_completion_level_date', columnNames: ['level_id', 'completed_on'] }),
          new TableIndex({ name: 'ix_completion_session', columnNames: ['session_id'] }),
        ],
        foreignKeys: [
          fk(['staff_id'], 'staff', 'CASCADE'),
          fk(['level_id'], 'levels', 'RESTRICT'),
          fk(['session_id'], 'training_sessions', 'SET NULL'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'session_feedback',
        columns: [
          c.id(),
          c.int('session_id'),
          c.int('staff_id', true),
          c.int('overall_rating'),
          c.int('recognise_before', true),
          c.int('recognise_after', true),
          c.int('refer_before', true),
          c.int('refer_after', true),
          c.text('comments', true),
          c.created(),
        ],
        indices: [new TableIndex({ name: 'ix_feedback_session', columnNames: ['session_id'] })],
        foreignKeys: [fk(['session_id'], 'training_sessions', 'CASCADE'), fk(['staff_id'], 'staff', 'SET NULL')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'session_feedback',
      'completions',
      'bookings',
      'session_trainers',
      'training_sessions',
      'staff_roles',
      'staff',
      'requirements',
      'roles',
      'levels',
      'organisation_closure',
      'organisations',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}

/** Column shapes that read the driver's own types, so one migration serves SQLite and PostgreSQL. */
export function columnKit(queryRunner: QueryRunner) {
  const types = queryRunner.connection.driver.mappedDataTypes;
  const created = (): TableColumnOptions => ({
    name: 'created_at',
    type: String(types.createDate),
    default: types.createDateDefault,
    precision: types.createDatePrecision,
  });
  return {
    id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
    int: (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable }),
    varchar: (name: string, length: number, isNullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    }),
    text: (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable }),
    // SQLite stores booleans as 0/1 and TypeORM compares defaults in that form.
    bool: (name: string, value: boolean): TableColumnOptions => ({
      name,
      type: 'boolean',
      default: queryRunner.connection.options.type === 'postgres' ? value : Number(value),
    }),
    created,
    timestamps: (): TableColumnOptions[] => [
      created(),
      {
        name: 'updated_at',
        type: String(types.updateDate),
        default: types.updateDateDefault,
        precision: types.updateDatePrecision,
      },
    ],
  };
}

export function fk(columnNames: string[], referencedTableName: string, onDelete: string, onUpdate = 'NO ACTION'): TableForeignKey {
  return new TableForeignKey({ columnNames, referencedTableName, referencedColumnNames: ['id'], onDelete, onUpdate });
}

/** A many-to-many join table shaped as TypeORM's @JoinTable expects (names from the naming strategy). */
export function joinTable(queryRunner: QueryRunner, name: string, left: [string, string], right: [string, string]): Table {
  const naming = queryRunner.connection.namingStrategy;
  return new Table({
    name,
    columns: [
      { name: left[0], type: 'integer', isPrimary: true },
      { name: right[0], type: 'integer', isPrimary: true },
    ],
    indices: [
      new TableIndex({ name: naming.indexName(name, [left[0]]), columnNames: [left[0]] }),
      new TableIndex({ name: naming.indexName(name, [right[0]]), columnNames: [right[0]] }),
    ],
    foreignKeys: [fk([left[0]], left[1], 'CASCADE', 'CASCADE'), fk([right[0]], right[1], 'CASCADE', 'CASCADE')],
  });
}
