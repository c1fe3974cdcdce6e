import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose changes are counted (src/database/data-versions.ts reads them), as they were at this migration. */
const VERSIONED_TABLES = [
  'completions', 'staff', 'staff_roles', 'requirements', 'levels', 'roles', 'organisations', 'organisation_closure',
  'training_sessions', 'bookings', 'session_feedback',
] as const;

/** Slots of the change counters on PostgreSQL: a committing transaction bumps one, chosen by its connection. */
const POSTGRES_SLOTS = 16;

/** What the staff search matches: the name as "first last", the email and the employee reference. */
const SEARCHED = {
  name: (row: string) => `${row}.first_name || ' ' || ${row}.last_name`,
  email: (row: string) => `COALESCE(${row}.email, '')`,
  employee_ref: (row: string) => `${row}.employee_ref`,
};

/**
 * Two things that make the busiest reads cheap (issue 14):
 *
 * - The staff search's indexes. SQLite: an FTS5 table with the trigram tokenizer (substring
 *   matching of 3 or more characters, case-insensitive), contentless and kept by triggers on staff.
 *   PostgreSQL: pg_trgm GIN indexes on lower(first || ' ' || last), lower(email) and
 *   lower(employee_ref), which serve LIKE '%text%'. Both: an index in the list's order (last name,
 *   first name, id), so a page of the list is read in order rather than sorted.
 *
 * - Change counters (data_versions): one column per table that the report figures read, moved in
 *   the same transaction as any change to that table, so a cache keyed on them is right on every
 *   server sharing the database and costs one read of a tiny table. SQLite: row triggers on a
 *   single row (writers take turns anyway). PostgreSQL: a deferred trigger bumps, once per table
 *   and transaction and only at commit, one of 16 rows picked by the connection, so concurrent
 *   writers seldom wait on each other and never deadlock on it (a transaction locks one row, last).
 */
export class SearchIndexAndChangeCounters1763900002200 implements MigrationInterface {
  name = 'SearchIndexAndChangeCounters1763900002200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const counters = VERSIONED_TABLES.map((t) => `${t} ${postgres ? 'bigint' : 'integer'} NOT NULL DEFAULT 0`).join(', ');
    await queryRunner.query(`CREATE TABLE data_versions (slot integer PRIMARY KEY, ${counters})`);
    await queryRunner.query('CREATE INDEX ix_staff_list_order ON staff (last_name, first_name, id)');
    if (postgres) await this.upPostgres(queryRunner);
    else await this.upSqlite(queryRunner);
  }

  private async upSqlite(q: QueryRunner): Promise<void> {
    await q.query('INSERT INTO data_versions (slot) VALUES (0)');
    for (const table of VERSIONED_TABLES) {
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        await q.query(
          `CREATE TRIGGER tr_version_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
           BEGIN UPDATE data_versions SET ${table} = ${table} + 1 WHERE slot = 0; END`,
        );
      }
    }
    const columns = Object.keys(SEARCHED).join(', ');
    const valuesOf = (row: string) => Object.values(SEARCHED).map((f) => f(row)).join(', ');
    await q.query(`CREATE VIRTUAL TABLE staff_search USING fts5(${columns}, content='', contentless_delete=1, tokenize='trigram')`);
    await q.query(`INSERT INTO staff_search (rowid, ${columns}) SELECT s.id, ${valuesOf('s')} FROM staff s`);
    await q.query(`CREATE TRIGGER tr_staff_search_insert AFTER INSERT ON staff BEGIN INSERT INTO staff_search (rowid, ${columns}) VALUES (new.id, ${valuesOf('new')}); END`);
    await q.query('CREATE TRIGGER tr_staff_search_delete AFTER DELETE ON staff BEGIN DELETE FROM staff_search WHERE rowid = old.id; END');
    await q.query(
      `CREATE TRIGGER tr_staff_search_update AFTER UPDATE OF first_name, last_name, email, employee_ref ON staff
       BEGIN DELETE FROM staff_search WHERE rowid = old.id; INSERT INTO staff_search (rowid, ${columns}) VALUES (new.id, ${valuesOf('new')}); END`,
    );
  }

  private async upPostgres(q: QueryRunner): Promise<void> {
    const [{ schema }] = await q.query('SELECT current_schema() AS schema');
    const here = `"${String(schema).replace(/"/g, '""')}"`;
    await q.query(`INSERT INTO data_versions (slot) SELECT g FROM generate_series(0, ${POSTGRES_SLOTS - 1}) g`);
    // Once per table and transaction (a setting local to the transaction), as the row event happens.
    await q.query(
      `CREATE FUNCTION ${here}.data_versions_first_change(tbl text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
       BEGIN
         IF current_setting('ptt_changed.' || tbl, true) = 'y' THEN RETURN false; END IF;
         PERFORM set_config('ptt_changed.' || tbl, 'y', true);
         RETURN true;
       END $$`,
    );
    // Named with the schema, so writes from a connection with another search_path (psql, COPY) count too.
    await q.query(
      `CREATE FUNCTION ${here}.data_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         EXECUTE format('UPDATE ${here.replace(/'/g, "''")}.data_versions SET %I = %I + 1 WHERE slot = $1', TG_ARGV[0], TG_ARGV[0])
           USING pg_backend_pid() % ${POSTGRES_SLOTS};
         RETURN NULL;
       END $$`,
    );
    for (const table of VERSIONED_TABLES) {
      await q.query(
        `CREATE CONSTRAINT TRIGGER tr_version_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table}
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (${here}.data_versions_first_change('${table}'))
         EXECUTE FUNCTION ${here}.data_versions_bump('${table}')`,
      );
      await q.query(`CREATE TRIGGER tr_version_${table}_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${here}.data_versions_bump('${table}')`);
    }

    // pg_trgm once per database, wherever it already is or in public; its operator class is named with its schema.
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('ptt pg_trgm'))`);
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
    const [{ trgm }] = await q.query(`SELECT n.nspname AS trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`);
    const ops = `"${String(trgm).replace(/"/g, '""')}".gin_trgm_ops`;
    await q.query(`CREATE INDEX ix_staff_name_trgm ON staff USING gin (lower(first_name || ' ' || last_name) ${ops})`);
    await q.query(`CREATE INDEX ix_staff_email_trgm ON staff USING gin (lower(email) ${ops})`);
    await q.query(`CREATE INDEX ix_staff_employee_ref_trgm ON staff USING gin (lower(employee_ref) ${ops})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    if (postgres) {
      for (const table of VERSIONED_TABLES) {
        await queryRunner.query(`DROP TRIGGER IF EXISTS tr_version_${table} ON ${table}`);
        await queryRunner.query(`DROP TRIGGER IF EXISTS tr_version_${table}_truncate ON ${table}`);
      }
      await queryRunner.query('DROP FUNCTION IF EXISTS data_versions_bump()');
      await queryRunner.query('DROP FUNCTION IF EXISTS data_versions_first_change(text)');
      for (const index of ['ix_staff_name_trgm', 'ix_staff_email_trgm', 'ix_staff_employee_ref_trgm']) await queryRunner.query(`DROP INDEX IF EXISTS ${index}`);
    } else {
      for (const table of VERSIONED_TABLES) {
        for (const event of ['insert', 'update', 'delete']) await queryRunner.query(`DROP TRIGGER IF EXISTS tr_version_${table}_${event}`);
      }
      for (const event of ['insert', 'update', 'delete']) await queryRunner.query(`DROP TRIGGER IF EXISTS tr_staff_search_${event}`);
      await queryRunner.query('DROP TABLE IF EXISTS staff_search');
    }
    await queryRunner.query('DROP INDEX IF EXISTS ix_staff_list_order');
    await queryRunner.query('DROP TABLE data_versions');
  }
}
