import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns the person search matches by the start of their lower-case text (src/people/people.service.ts). */
const COLUMNS = ['first_name', 'last_name', 'employee_ref', 'email'] as const;

/**
 * Indexes on lower(first_name), lower(last_name), lower(employee_ref) and lower(email), so the person search's
 * prefix matches are index range scans on both databases: PostgreSQL's text_pattern_ops serves
 * LIKE 'ab%' whatever the database's collation; SQLite's expression index serves >= 'ab' AND < 'ac'.
 * The staff entity lists them with synchronize: false, as TypeORM cannot describe an expression index.
 */
export class PersonSearch1763900001750 implements MigrationInterface {
  name = 'PersonSearch1763900001750';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const column of COLUMNS) {
      await queryRunner.query(`CREATE INDEX ix_staff_${column}_lower ON staff (lower(${column})${postgres ? ' text_pattern_ops' : ''})`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of COLUMNS) await queryRunner.query(`DROP INDEX ix_staff_${column}_lower`);
  }
}
