import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance kept, not recomputed (issue 14): src/compliance/kept/ explains the two tables.
 *
 * - compliance_spans: per person and level they require, the spans of days on which what they
 *   hold does not change, each with when the cover it gives ends and when their grace ends: the
 *   status on any date and for any window is a few comparisons of those (kept-spans.keptCountsSql).
 * - compliance_stale: the people whose spans are out of date. Triggers on every table the rules
 *   read add them in the same statement as the change, so no write can forget to (the
 *   application's writes refresh them before their transaction commits; bulk writes done outside
 *   it leave them for the keeper). While anyone is stale, reports work from the raw tables.
 */
type Whose = (row: string, table: (name: string) => string) => string;
const STAFF_OF: Record<string, Whose> = {
  completion: (row) => `VALUES (${row}.staff_id)`,
  person: (row) => `VALUES (${row}.id)`,
  role: (row) => `VALUES (${row}.staff_id)`,
  requirement: (row, table) => `SELECT sr.staff_id FROM ${table('staff_roles')} sr WHERE sr.role_id = ${row}.role_id`,
  everyone: (_row, table) => `SELECT s.id FROM ${table('staff')} s`,
  organisation: (row, table) => `SELECT s.id FROM ${table('staff')} s WHERE s.organisation_id = ${row}.descendant_id`,
};

/** Which rows of which table make whose spans stale: table, events (with the columns an update must touch), whose. */
const TRIGGERS: { table: string; name: string; events: string[]; whose: Whose }[] = [
  { table: 'completions', name: 'completion', events: ['INSERT', 'DELETE', 'UPDATE OF staff_id, level_id, completed_on'], whose: STAFF_OF.completion },
  { table: 'staff', name: 'person', events: ['INSERT', 'DELETE', 'UPDATE OF start_date, end_date, organisation_id'], whose: STAFF_OF.person },
  { table: 'staff_roles', name: 'role', events: ['INSERT', 'DELETE', 'UPDATE'], whose: STAFF_OF.role },
  { table: 'requirements', name: 'requirement', events: ['INSERT', 'DELETE', 'UPDATE'], whose: STAFF_OF.requirement },
  { table: 'levels', name: 'level', events: ['INSERT', 'DELETE', 'UPDATE OF rank, validity_months'], whose: STAFF_OF.everyone },
  { table: 'organisation_closure', name: 'closure', events: ['INSERT', 'DELETE', 'UPDATE'], whose: STAFF_OF.organisation },
];

const rowsOf = (event: string) => (event === 'INSERT' ? ['new'] : event === 'DELETE' ? ['old'] : ['old', 'new']);
const eventName = (event: string) => event.split(' ')[0].toLowerCase();

export class KeptCompliance1763900002300 implements MigrationInterface {
  name = 'KeptCompliance1763900002300';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(
      `CREATE TABLE compliance_spans (
         staff_id integer NOT NULL,
         level_id integer NOT NULL,
         organisation_id integer NOT NULL,
         role_ids varchar(400) NOT NULL,
         from_on varchar(10) NOT NULL,
         until_on varchar(10) NOT NULL,
         met_until varchar(10),
         grace_ends varchar(10) NOT NULL
       )`,
    );
    await queryRunner.query('CREATE INDEX ix_compliance_spans_staff ON compliance_spans (staff_id)');
    // A date's spans are those ending after it: for today, one per person and level, and most of
    // them have not ended (until_on NEVER), so in the order the figures count them by.
    await queryRunner.query(
      'CREATE INDEX ix_compliance_spans_until ON compliance_spans (until_on, organisation_id, role_ids, level_id, from_on, met_until, grace_ends)',
    );
    await queryRunner.query('CREATE TABLE compliance_stale (staff_id integer PRIMARY KEY)');
    if (postgres) await this.upPostgres(queryRunner);
    else await this.upSqlite(queryRunner);
    // Everyone there already: the keeper works out their spans once the server starts.
    await queryRunner.query('INSERT INTO compliance_stale (staff_id) SELECT id FROM staff');
  }

  private async upSqlite(q: QueryRunner): Promise<void> {
    for (const t of TRIGGERS) {
      for (const event of t.events) {
        const marks = rowsOf(event).map((row) => `INSERT OR IGNORE INTO compliance_stale (staff_id) ${t.whose(row, (name) => name)};`);
        await q.query(`CREATE TRIGGER tr_stale_${t.name}_${eventName(event)} AFTER ${event} ON ${t.table} BEGIN ${marks.join(' ')} END`);
      }
    }
  }

  private async upPostgres(q: QueryRunner): Promise<void> {
    const [{ schema }] = await q.query('SELECT current_schema() AS schema');
    const here = `"${String(schema).replace(/"/g, '""')}"`;
    // Named with the schema, so writes from a connection with another search_path (psql, COPY) count too.
    const table = (name: string) => `${here}.${name}`;
    const insert = (whose: string) => `INSERT INTO ${here}.compliance_stale (staff_id) ${whose} ON CONFLICT DO NOTHING;`;
    await q.query(
      `CREATE FUNCTION ${here}.compliance_stale_everyone() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN ${insert(STAFF_OF.everyone('', table))} RETURN NULL; END $$`,
    );
    for (const t of TRIGGERS) {
      const marks = (row: string) => insert(t.whose(row, table));
      await q.query(
        `CREATE FUNCTION ${here}.compliance_stale_${t.name}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP IN ('UPDATE', 'DELETE') THEN ${marks('OLD')} END IF;
           IF TG_OP IN ('UPDATE', 'INSERT') THEN ${marks('NEW')} END IF;
           RETURN NULL;
         END $$`,
      );
      const events = t.events.join(' OR ');
      await q.query(`CREATE TRIGGER tr_stale_${t.name} AFTER ${events} ON ${t.table} FOR EACH ROW EXECUTE FUNCTION ${here}.compliance_stale_${t.name}()`);
      await q.query(
        `CREATE TRIGGER tr_stale_${t.name}_truncate AFTER TRUNCATE ON ${t.table} FOR EACH STATEMENT EXECUTE FUNCTION ${here}.compliance_stale_everyone()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const t of TRIGGERS) {
      if (postgres) {
        await queryRunner.query(`DROP TRIGGER IF EXISTS tr_stale_${t.name} ON ${t.table}`);
        await queryRunner.query(`DROP TRIGGER IF EXISTS tr_stale_${t.name}_truncate ON ${t.table}`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS compliance_stale_${t.name}()`);
      } else {
        for (const event of t.events) await queryRunner.query(`DROP TRIGGER IF EXISTS tr_stale_${t.name}_${eventName(event)}`);
      }
    }
    if (postgres) await queryRunner.query('DROP FUNCTION IF EXISTS compliance_stale_everyone()');
    await queryRunner.query('DROP TABLE compliance_stale');
    await queryRunner.query('DROP TABLE compliance_spans');
  }
}
