import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { Scope, UserRole } from '../../src/auth/scope';
import { loadConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/config/database';
import { TokensService } from '../../src/users/tokens.service';
import { UsersService } from '../../src/users/users.service';
import { onPostgres, POSTGRES_URL } from './postgres';

export type DatabaseKind = 'sqlite' | 'postgres';

/** supertest's request methods, each already carrying a bearer token. */
export interface Client {
  get(url: string): request.Test;
  post(url: string): request.Test;
  put(url: string): request.Test;
  patch(url: string): request.Test;
  delete(url: string): request.Test;
}

export interface TestApp {
  kind: DatabaseKind;
  app: NestExpressApplication;
  dataSource: DataSource;
  /** Requests signed in as an administrator of everything. */
  http: () => Client;
  /** Requests with no credentials at all. */
  anonymous: () => ReturnType<typeof request>;
  /** Requests signed in as a new account of that role, limited to the organisation (and linked to a staff record). */
  as: (role: UserRole, organisationCode?: string | null, staffEmployeeRef?: string | null) => Promise<Client>;
  close: () => Promise<void>;
}

import { TEST_PASSWORD } from './password';

export { TEST_PASSWORD };

function clientFor(server: Parameters<typeof request>[0], token: string): Client {
  const agent = request(server);
  const auth = (test: request.Test) => test.set('Authorization', `Bearer ${token}`);
  return {
    get: (url) => auth(agent.get(url)),
    post: (url) => auth(agent.post(url)),
    put: (url) => auth(agent.put(url)),
    patch: (url) => auth(agent.patch(url)),
    delete: (url) => auth(agent.delete(url)),
  };
}

/** The databases a suite runs on: SQLite always, PostgreSQL when the server is there (always under CI). */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_POSTGRES === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];
}

/** Runs the suite once per database, each on a fresh, migrated, empty database. */
export function describeEachDatabase(name: string, suite: (kind: DatabaseKind) => void): void {
  for (const kind of databaseKinds()) describe(`${name} [${kind}]`, () => suite(kind));
}

/** Settings for a fresh database of the given kind: a temporary SQLite file or a new PostgreSQL schema. */
export async function freshDatabaseEnv(kind: DatabaseKind): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const id = randomBytes(6).toString('hex');
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `tracker-test-${id}.sqlite`);
    return { env: { DATABASE_PATH: file }, drop: async () => ['', '-wal', '-shm'].forEach((s) => rmSync(file + s, { force: true })) };
  }
  const schema = `test_${id}`;
  await onPostgres(`CREATE SCHEMA ${schema}`);
  return {
    env: { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema },
    drop: () => onPostgres(`DROP SCHEMA ${schema} CASCADE`),
  };
}

/** A fresh, migrated database of the given kind as a plain DataSource (no app), and how to drop it. */
export async function freshDataSource(kind: DatabaseKind): Promise<{ ds: DataSource; drop: () => Promise<void> }> {
  const fresh = await freshDatabaseEnv(kind);
  const ds = new DataSource({ ...databaseOptions(loadConfig({ ...fresh.env, LOG_LEVEL: 'silent' })), logging: false });
  await ds.initialize();
  return { ds, drop: fresh.drop };
}

export async function createTestApp(kind: DatabaseKind = 'sqlite', extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const { env, drop } = await freshDatabaseEnv(kind);
  const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', SCHEDULER: 'off', ...env, ...extraEnv });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  await configureApp(app);
  await app.init();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const users = app.get(UsersService);
  const tokens = app.get(TokensService);
  let accounts = 0;
  const tokenFor = async (role: UserRole, organisationCode: string | null, staffEmployeeRef: string | null = null) => {
    const { user } = await users.create(Scope.system(), {
      email: `${role}-${++accounts}-${randomBytes(3).toString("hex")}@test.example`,
      displayName: `Test ${role} ${accounts}`,
      role,
      organisationCode,
      staffEmployeeRef,
      password: TEST_PASSWORD,
    });
    return (await tokens.issue(user.id, 'tests')).token;
  };
  const adminToken = await tokenFor('admin', null);
  return {
    kind,
    app,
    dataSource,
    http: () => clientFor(app.getHttpServer(), adminToken),
    anonymous: () => request(app.getHttpServer()),
    as: async (role, organisationCode = null, staffEmployeeRef = null) =>
      clientFor(app.getHttpServer(), await tokenFor(role, organisationCode, staffEmployeeRef)),
    close: async () => {
      await app.close();
      await drop();
    },
  };
}
