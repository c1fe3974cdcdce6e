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
import { loadConfig } from '../../src/config/app-config';
import { onPostgres, POSTGRES_URL } from './postgres';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface TestApp {
  kind: DatabaseKind;
  app: NestExpressApplication;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
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

export async function createTestApp(kind: DatabaseKind = 'sqlite', extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const { env, drop } = await freshDatabaseEnv(kind);
  const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', ...env, ...extraEnv });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureApp(app);
  await app.init();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  return {
    kind,
    app,
    dataSource,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await drop();
    },
  };
}
