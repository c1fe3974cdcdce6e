import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * Single sign-on and a second factor (issue 16): the identity providers an administrator for the
 * whole partnership adds, the provider identities (issuer and subject) accounts are linked to,
 * each account's authenticator-app secret, and its recovery codes (stored hashed).
 */
export class SingleSignOnAndSecondFactor1763900000800 implements MigrationInterface {
  name = 'SingleSignOnAndSecondFactor1763900000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'identity_providers',
        columns: [
          c.id(),
          c.varchar('slug', 40),
          c.varchar('label', 100),
          c.varchar('issuer', 500),
          c.varchar('client_id', 255),
          c.text('client_secret'),
          c.text('domains'),
          c.bool('passwords_off', false),
          c.bool('create_accounts', false),
          c.varchar('default_role', 20, true),
          c.int('default_organisation_id', true),
          ...c.timestamps(),
        ],
        indices: [new TableIndex({ name: 'uq_identity_providers_slug', columnNames: ['slug'], isUnique: true })],
        foreignKeys: [fk(['default_organisation_id'], 'organisations', 'RESTRICT')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user_identities',
        columns: [c.id(), c.int('user_id'), c.varchar('issuer', 500), c.varchar('subject', 255), c.created()],
        indices: [
          new TableIndex({ name: 'uq_user_identities_subject', columnNames: ['issuer', 'subject'], isUnique: true }),
          new TableIndex({ name: 'ix_user_identities_user', columnNames: ['user_id'] }),
        ],
        foreignKeys: [fk(['user_id'], 'users', 'CASCADE')],
      }),
    );
    await queryRunner.addColumn('users', new TableColumn({ name: 'totp_secret', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.addColumn('users', new TableColumn({ name: 'totp_enabled_at', type: 'varchar', length: '24', isNullable: true }));
    await queryRunner.addColumn('users', new TableColumn({ name: 'totp_last_step', type: 'integer', isNullable: true }));
    await queryRunner.createTable(
      new Table({
        name: 'recovery_codes',
        columns: [c.id(), c.int('user_id'), c.varchar('code_hash', 100), c.varchar('used_at', 24, true), c.created()],
        indices: [new TableIndex({ name: 'ix_recovery_codes_user', columnNames: ['user_id'] })],
        foreignKeys: [fk(['user_id'], 'users', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('recovery_codes');
    await queryRunner.dropColumn('users', 'totp_last_step');
    await queryRunner.dropColumn('users', 'totp_enabled_at');
    await queryRunner.dropColumn('users', 'totp_secret');
    await queryRunner.dropTable('user_identities');
    await queryRunner.dropTable('identity_providers');
  }
}
