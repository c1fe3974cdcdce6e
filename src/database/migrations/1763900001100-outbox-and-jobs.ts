import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from './1763900000000-initial-schema';

/** The outbox of emails (issue 12) and the leases that let a scheduled job run on one server at a time. */
export class OutboxAndJobs1763900001100 implements MigrationInterface {
  name = 'OutboxAndJobs1763900001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'outbox_messages',
        columns: [
          c.id(),
          c.varchar('message_key', 200),
          c.varchar('kind', 40),
          c.varchar('to_address', 254),
          c.varchar('subject', 300),
          c.text('body'),
          c.text('attachments', true),
          c.int('person_id', true),
          c.int('session_id', true),
          c.int('organisation_id', true),
          { name: 'state', type: 'varchar', length: '12', default: "'queued'" },
          { name: 'attempts', type: 'integer', default: 0 },
          c.varchar('next_attempt_at', 24),
          c.varchar('claimed_by', 100, true),
          c.varchar('claimed_until', 24, true),
          c.text('last_answer', true),
          c.varchar('sent_at', 24, true),
          ...c.timestamps(),
        ],
        indices: [
          new TableIndex({ name: 'uq_outbox_messages_key', columnNames: ['message_key'], isUnique: true }),
          new TableIndex({ name: 'ix_outbox_messages_due', columnNames: ['state', 'next_attempt_at'] }),
          new TableIndex({ name: 'ix_outbox_messages_organisation', columnNames: ['organisation_id', 'id'] }),
          new TableIndex({ name: 'ix_outbox_messages_person', columnNames: ['person_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          c.varchar('holder', 100),
          c.varchar('lease_until', 24),
          c.varchar('last_run_at', 24, true),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_leases');
    await queryRunner.dropTable('outbox_messages');
  }
}
