import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/** User accounts, API tokens, web sessions shared by every server instance, settings, the audit log. */
export class Accounts1763900000100 implements MigrationInterface {
  name = 'Accounts1763900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.varchar('email', 254),
          c.varchar('display_name', 200),
          c.varchar('password_hash', 255),
          c.varchar('role', 20),
          c.int('organisation_id', true),
          c.int('staff_id', true),
          c.bool('disabled', false),
          { name: 'failed_attempts', type: 'integer', default: 0 },
          c.varchar('locked_until', 24, true),
          c.varchar('last_sign_in_at', 24, true),
          ...c.timestamps(),
        ],
        indices: [new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true })],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'RESTRICT'), fk(['staff_id'], 'staff', 'SET NULL')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          c.id(),
          c.int('user_id'),
          c.varchar('name', 100),
          c.varchar('token_hash', 64),
          c.varchar('prefix', 16),
          c.varchar('last_used_at', 24, true),
          c.varchar('revoked_at', 24, true),
          c.created(),
        ],
        indices: [
          new TableIndex({ name: 'uq_api_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_api_tokens_user', columnNames: ['user_id'] }),
        ],
        foreignKeys: [fk(['user_id'], 'users', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'web_sessions',
        columns: [
          { name: 'sid', type: 'varchar', length: '128', isPrimary: true },
          c.text('data'),
          c.varchar('expires_at', 24),
        ],
        indices: [new TableIndex({ name: 'ix_web_sessions_expires', columnNames: ['expires_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'app_settings',
        columns: [{ name: 'key', type: 'varchar', length: '100', isPrimary: true }, c.text('value')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          c.id(),
          c.created(),
          c.int('actor_user_id', true),
          c.varchar('actor_email', 254, true),
          c.varchar('action', 40),
          c.varchar('entity', 60),
          c.varchar('entity_key', 200, true),
          c.text('before_json', true),
          c.text('after_json', true),
          c.varchar('ip', 64, true),
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_created', columnNames: ['created_at'] }),
          new TableIndex({ name: 'ix_audit_entity', columnNames: ['entity', 'entity_key'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'app_settings', 'web_sessions', 'api_tokens', 'users']) await queryRunner.dropTable(table);
  }
}
