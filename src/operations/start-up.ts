import type { DataSource } from 'typeorm';
import { Like } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { DEMO_PASSWORD } from '../demo/demo-accounts';
import { User } from '../users/user.entity';

/** Which database, in words an operator recognises, never with a password. */
export function databaseDescription(dataSource: DataSource, config: AppConfig): string {
  if (dataSource.options.type !== 'postgres') return `SQLite database ${String(dataSource.options.database)}`;
  const url = new URL(config.DATABASE_URL!);
  const schema = config.DATABASE_SCHEMA ? `, schema ${config.DATABASE_SCHEMA}` : '';
  return `PostgreSQL database ${url.pathname.slice(1)} on ${url.hostname}:${url.port || 5432}${schema}`;
}

/** The lines logged once the server listens: where, which database, and the demo accounts if there are any. */
export async function startUpMessage(dataSource: DataSource, config: AppConfig, port: number): Promise<string[]> {
  const address = `http://localhost:${port}`;
  const elsewhere = config.PUBLIC_URL !== `http://localhost:${config.PORT}`;
  const lines = [
    `Prevent training tracker is listening on ${address}${elsewhere ? ` (people reach it at ${config.PUBLIC_URL})` : ''}`,
    `Using the ${databaseDescription(dataSource, config)}`,
  ];
  if (config.SEED_DEMO === 'true') {
    const demo = await dataSource.getRepository(User).find({ select: { email: true }, where: { email: Like('%@demo.test') }, order: { id: 'ASC' } });
    if (demo.length > 0) lines.push(`Demo accounts, password ${DEMO_PASSWORD}: ${demo.map((u) => u.email).join(', ')}`);
  }
  return lines;
}
