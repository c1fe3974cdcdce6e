import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * web_sessions.user_id: the account signed in on a session, so changing a password can end the
 * account's other sessions. Filled in for the sessions already there from their session data.
 */
export class WebSessionUser1763900000600 implements MigrationInterface {
  name = 'WebSessionUser1763900000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('web_sessions', new TableColumn({ name: 'user_id', type: 'integer', isNullable: true }));
    await queryRunner.createIndex('web_sessions', new TableIndex({ name: 'ix_web_sessions_user', columnNames: ['user_id'] }));
    const postgres = queryRunner.connection.options.type === 'postgres';
    const rows: { sid: string; data: string }[] = await queryRunner.query('SELECT sid, data FROM web_sessions');
    for (const { sid, data } of rows) {
      let userId: unknown;
      try {
        userId = (JSON.parse(data) as { userId?: unknown }).userId;
      } catch {
        continue;
      }
      if (typeof userId !== 'number') continue;
      await queryRunner.query(postgres ? 'UPDATE web_sessions SET user_id = $1 WHERE sid = $2' : 'UPDATE web_sessions SET user_id = ? WHERE sid = ?', [userId, sid]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('web_sessions', 'ix_web_sessions_user');
    await queryRunner.dropColumn('web_sessions', 'user_id');
  }
}
