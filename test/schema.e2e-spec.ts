import { DataSource, Table } from 'typeorm';
import { createTestApp, databaseKinds, DatabaseKind, describeEachDatabase, TestApp } from './support/app';

/** The shape of a table that must be the same on both databases (types are named differently). */
function shapeOf(table: Table) {
  return {
    name: table.name.replace(/^.*\./, ''),
    columns: table.columns
      .map((c) => ({ name: c.name, nullable: c.isNullable, primary: c.isPrimary, generated: c.isGenerated, length: c.length || null }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    // Expression indexes (the person search's lower(...)) have no column names to compare; the test below checks them.
    indices: table.indices
      .filter((i) => i.columnNames.every(Boolean))
      .map((i) => ({ name: i.name, columns: [...i.columnNames].sort(), unique: Boolean(i.isUnique) }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    foreignKeys: table.foreignKeys
      .map((f) => ({ columns: f.columnNames, references: f.referencedTableName.replace(/^.*\./, ''), onDelete: f.onDelete }))
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

async function schemaOf(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  try {
    const names = dataSource.entityMetadatas.map((m) => m.tablePath);
    const tables = await runner.getTables(names);
    return tables.map(shapeOf).sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await runner.release();
  }
}

describeEachDatabase('migrations', (kind) => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp(kind)));
  afterAll(() => t.close());

  it('leave nothing for the entities to change (the app never needs synchronize)', async () => {
    const pending = await t.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('create the three levels of the framework', async () => {
    const res = await t.http().get('/api/levels').expect(200);
    expect(res.body.map((l: { code: string }) => l.code)).toEqual(['L1', 'L2', 'L3']);
  });

  it('index the lower-case names, reference and email the person search matches by their start', async () => {
    const names =
      kind === 'postgres'
        ? await t.dataSource.query("SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'staff' AND schemaname = current_schema()")
        : await t.dataSource.query("SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND tbl_name = 'staff'");
    const lower = (names as { name: string; def: string }[]).filter((i) => i.name.endsWith('_lower'));
    expect(lower.map((i) => i.name).sort()).toEqual(['ix_staff_email_lower', 'ix_staff_employee_ref_lower', 'ix_staff_first_name_lower', 'ix_staff_last_name_lower']);
    for (const i of lower) expect(i.def.toLowerCase()).toMatch(/lower\(/);
  });

  it('run again without error when already applied', async () => {
    expect(await t.dataSource.runMigrations()).toEqual([]);
  });
});

const both = databaseKinds().length === 2;
(both ? describe : describe.skip)('the same migrations on SQLite and PostgreSQL', () => {
  const apps: Partial<Record<DatabaseKind, TestApp>> = {};
  beforeAll(async () => {
    apps.sqlite = await createTestApp('sqlite');
    apps.postgres = await createTestApp('postgres');
  });
  afterAll(async () => {
    await apps.sqlite?.close();
    await apps.postgres?.close();
  });

  it('create the same tables, columns, indexes and foreign keys', async () => {
    const sqlite = await schemaOf(apps.sqlite!.dataSource);
    const postgres = await schemaOf(apps.postgres!.dataSource);
    expect(sqlite.map((t) => t.name)).toEqual(postgres.map((t) => t.name));
    for (let i = 0; i < sqlite.length; i++) expect({ table: sqlite[i].name, ...postgres[i] }).toEqual({ table: sqlite[i].name, ...sqlite[i] });
  });
});
