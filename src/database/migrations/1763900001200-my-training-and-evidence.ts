import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit, fk } from './1763900000000-initial-schema';

/**
 * My training (issue 12): single-use sign-in links for people without an account (only a hash of
 * each token is kept), their message preferences, and certificates of training done elsewhere
 * waiting for a coordinator to approve or reject (the files themselves are kept on disk), and the
 * organisations where places asked for from My training wait for a manager's approval, with the requests.
 */
export class MyTrainingAndEvidence1763900001200 implements MigrationInterface {
  name = 'MyTrainingAndEvidence1763900001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'sign_in_links',
        columns: [c.id(), c.int('staff_id'), c.varchar('token_hash', 64), c.varchar('expires_at', 24), c.varchar('used_at', 24, true), c.created()],
        indices: [
          new TableIndex({ name: 'uq_sign_in_links_token', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_sign_in_links_staff', columnNames: ['staff_id', 'created_at'] }),
        ],
        foreignKeys: [fk(['staff_id'], 'staff', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'message_preferences',
        columns: [{ name: 'staff_id', type: 'integer', isPrimary: true }, c.bool('optional_messages', true), c.varchar('changed_at', 24)],
        foreignKeys: [fk(['staff_id'], 'staff', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'evidence_submissions',
        columns: [
          c.id(),
          c.int('staff_id'),
          c.int('level_id'),
          c.varchar('completed_on', 10),
          c.varchar('original_name', 255),
          c.varchar('stored_name', 100),
          c.varchar('content_type', 40),
          c.int('size_bytes'),
          { name: 'status', type: 'varchar', length: '12', default: "'pending'" },
          c.text('reason', true),
          c.int('completion_id', true),
          c.varchar('decided_by', 254, true),
          c.varchar('decided_at', 24, true),
          c.created(),
        ],
        indices: [
          new TableIndex({ name: 'ix_evidence_submissions_status', columnNames: ['status', 'id'] }),
          new TableIndex({ name: 'ix_evidence_submissions_staff', columnNames: ['staff_id'] }),
        ],
        foreignKeys: [fk(['staff_id'], 'staff', 'CASCADE'), fk(['level_id'], 'levels', 'RESTRICT'), fk(['completion_id'], 'completions', 'SET NULL')],
      }),
    );
    // Organisations (with everything below them) where a place asked for from My training waits for a manager's approval.
    await queryRunner.createTable(
      new Table({
        name: 'booking_approval_settings',
        columns: [{ name: 'organisation_id', type: 'integer', isPrimary: true }, c.varchar('set_by', 254), c.varchar('set_at', 24)],
        foreignKeys: [fk(['organisation_id'], 'organisations', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'booking_requests',
        columns: [
          c.id(),
          c.int('staff_id'),
          c.int('session_id'),
          { name: 'status', type: 'varchar', length: '12', default: "'pending'" },
          c.int('booking_id', true),
          c.varchar('decided_by', 254, true),
          c.varchar('decided_at', 24, true),
          c.text('reason', true),
          c.created(),
        ],
        indices: [
          new TableIndex({ name: 'ix_booking_requests_status', columnNames: ['status', 'id'] }),
          new TableIndex({ name: 'ix_booking_requests_staff', columnNames: ['staff_id', 'session_id'] }),
        ],
        foreignKeys: [fk(['staff_id'], 'staff', 'CASCADE'), fk(['session_id'], 'training_sessions', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('booking_requests');
    await queryRunner.dropTable('booking_approval_settings');
    await queryRunner.dropTable('evidence_submissions');
    await queryRunner.dropTable('message_preferences');
    await queryRunner.dropTable('sign_in_links');
  }
}
