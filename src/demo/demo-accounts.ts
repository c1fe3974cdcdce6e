import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Scope, UserRole } from '../auth/scope';
import { sql } from '../database/sql';
import { UsersService } from '../users/users.service';

/** Every demo account has this password (README.md lists the accounts). */
export const DEMO_PASSWORD = 'prevent-demo-password';

interface DemoAccount {
  email: string;
  displayName: string;
  role: UserRole;
  organisationCode: string | null;
  staffEmployeeRef?: string;
}

/**
 * One account of each role on the demo partnership, so a new user can try every view: the manager
 * is the demo person who manages most people, the trainer the one who ran most sessions.
 */
@Injectable()
export class DemoAccounts {
  private readonly logger = new Logger(DemoAccounts.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  async create(): Promise<void> {
    const [root] = await sql<{ code: string }>(this.dataSource, 'SELECT code FROM organisations WHERE parent_id IS NULL ORDER BY id LIMIT 1');
    const [manager] = await sql<{ ref: string; code: string; name: string }>(
      this.dataSource,
      `SELECT m.employee_ref AS ref, o.code AS code, m.first_name || ' ' || m.last_name AS name
       FROM staff m JOIN organisations o ON o.id = m.organisation_id
       WHERE m.end_date IS NULL AND EXISTS (SELECT 1 FROM staff r WHERE r.manager_id = m.id)
       ORDER BY (SELECT COUNT(*) FROM staff r WHERE r.manager_id = m.id) DESC, m.id LIMIT 1`,
    );
    const [trainer] = await sql<{ ref: string; code: string; name: string }>(
      this.dataSource,
      `SELECT s.employee_ref AS ref, o.code AS code, s.first_name || ' ' || s.last_name AS name
       FROM session_trainers st JOIN staff s ON s.id = st.staff_id JOIN organisations o ON o.id = s.organisation_id
       WHERE s.end_date IS NULL
       GROUP BY s.id, s.employee_ref, o.code, s.first_name, s.last_name ORDER BY COUNT(*) DESC, s.id LIMIT 1`,
    );
    const accounts: DemoAccount[] = [
      { email: 'admin@demo.test', displayName: 'Demo administrator', role: 'admin', organisationCode: null },
      { email: 'coordinator@demo.test', displayName: 'Demo coordinator', role: 'coordinator', organisationCode: root?.code ?? null },
      { email: 'viewer@demo.test', displayName: 'Demo Prevent Working Group member', role: 'viewer', organisationCode: root?.code ?? null },
      ...(manager ? [{ email: 'manager@demo.test', displayName: manager.name, role: 'manager' as const, organisationCode: manager.code, staffEmployeeRef: manager.ref }] : []),
      ...(trainer ? [{ email: 'trainer@demo.test', displayName: trainer.name, role: 'trainer' as const, organisationCode: trainer.code, staffEmployeeRef: trainer.ref }] : []),
    ];
    for (const account of accounts) {
      if (await this.users.findByEmail(account.email)) continue;
      await this.users.create(Scope.system(), { ...account, staffEmployeeRef: account.staffEmployeeRef ?? null, password: DEMO_PASSWORD });
    }
    this.logger.log(`Demo accounts: ${accounts.map((a) => a.email).join(', ')} (password ${DEMO_PASSWORD})`);
  }
}
