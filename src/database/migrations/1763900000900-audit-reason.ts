import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** audit_log.reason: why someone corrected or deleted a record (a completion), in their words. */
export class AuditReason1763900000900 implements MigrationInterface {
  name = 'AuditReason1763900000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('audit_log', new TableColumn({ name: 'reason', type: 'varchar', length: '500', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_log', 'reason');
  }
}
