import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Audit entries carry the organisation of the record they are about (or of the account that
 * signed in), so an administrator limited to a subtree reads only its entries. Entries written
 * before this have none and stay visible to administrators of everything only.
 */
export class AuditOrganisation1763900000500 implements MigrationInterface {
  name = 'AuditOrganisation1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('audit_log', new TableColumn({ name: 'organisation_id', type: 'integer', isNullable: true }));
    await queryRunner.createIndex('audit_log', new TableIndex({ name: 'ix_audit_organisation', columnNames: ['organisation_id', 'id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_log', 'ix_audit_organisation');
    await queryRunner.dropColumn('audit_log', 'organisation_id');
  }
}
