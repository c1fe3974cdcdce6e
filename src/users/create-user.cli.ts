import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AppModule } from '../app.module';
import { Scope, USER_ROLES, UserRole } from '../auth/scope';
import { loadConfig } from '../config/app-config';
import { passwordProblem } from './passwords';
import { UsersService } from './users.service';

const USAGE = `Usage: npm run user:create -- --email EMAIL --role ${USER_ROLES.join('|')} [--organisation CODE] [--name "Display name"] [--password PASSWORD] [--staff EMPLOYEE_REF]
Without --password a temporary password is generated and printed once.`;

/** `npm run user:create`: creates an account on the configured database. */
async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      organisation: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      staff: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.email || !values.role) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (!USER_ROLES.includes(values.role as UserRole)) {
    console.error(`--role must be one of: ${USER_ROLES.join(', ')}`);
    process.exit(2);
  }
  const email = values.email.trim().toLowerCase();
  const problem = values.password === undefined ? null : passwordProblem(values.password, [email, values.name]);
  if (problem) {
    console.error(`--password: ${problem}`);
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error'] });
  try {
    const { user, temporaryPassword } = await app.get(UsersService).create(Scope.system(), {
      email,
      displayName: values.name ?? values.email,
      role: values.role as UserRole,
      organisationCode: values.organisation ?? null,
      staffEmployeeRef: values.staff ?? null,
      password: values.password ?? null,
    });
    console.log(`Created ${user.role} account ${user.email}${user.organisation ? ` limited to ${user.organisation.code}` : ''}.`);
    if (temporaryPassword) console.log(`Temporary password (shown once): ${temporaryPassword}`);
  } catch (error) {
    const message = (error as { response?: { message?: unknown } }).response?.message ?? (error as Error).message;
    console.error(`Could not create the account: ${Array.isArray(message) ? message.join('; ') : String(message)}`);
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

void main();
