import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Scope } from '../auth/scope';
import { AppConfig } from '../config/app-config';
import { passwordProblem, temporaryPassword } from './passwords';
import { User } from './user.entity';
import { UsersService } from './users.service';

/**
 * On start: ADMIN_EMAIL gets an administrator account if it has none; with no administrator at
 * all, one is created (admin@localhost unless ADMIN_EMAIL says otherwise). Without
 * ADMIN_PASSWORD a generated password is printed once.
 */
@Injectable()
export class FirstAdmin {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async ensure(): Promise<void> {
    const repo = this.dataSource.getRepository(User);
    const email = this.config.ADMIN_EMAIL?.trim().toLowerCase();
    if (email ? await repo.existsBy({ email }) : await repo.existsBy({ role: 'admin' })) return;
    const account = { email: email ?? 'admin@localhost', displayName: 'Administrator' };
    if (this.config.ADMIN_PASSWORD) {
      const problem = passwordProblem(this.config.ADMIN_PASSWORD, [account.email, account.displayName]);
      if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
    }
    const password = this.config.ADMIN_PASSWORD ?? temporaryPassword();
    await this.users.create(Scope.system(), {
      ...account,
      role: 'admin',
      organisationCode: null,
      password,
    });
    if (this.config.ADMIN_PASSWORD) {
      this.logger.log('Created the administrator account named by ADMIN_EMAIL');
    } else {
      // Printed once, on the console only: it is not stored anywhere in plain text.
      console.log(
        `\n  An administrator account was created.\n    email:    ${email ?? 'admin@localhost'}\n    password: ${password}\n  Sign in and change the password (Your account > Change your password).\n`,
      );
    }
  }
}
