import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';

/** Environment variables the server reads, with their defaults. README.md lists them. */
export class AppConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  DATABASE_PATH = 'data/tracker.sqlite';

  /** postgres://user@host:port/db: when set, PostgreSQL is used instead of SQLite. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  /** PostgreSQL schema to use (tests give each suite its own). */
  @IsOptional()
  @IsString()
  DATABASE_SCHEMA?: string;

  /** Load the demo partnership on first start when the database is empty. */
  @IsIn(['true', 'false'])
  SEED_DEMO = 'true';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  TIME_ZONE = 'Europe/London';

  /** The first administrator, created on first start when no account has that email. */
  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  /** Their password; when unset a generated one is printed once. */
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  /** Signs session and CSRF cookies; when unset one is generated and kept in the database. */
  @IsOptional()
  @IsString()
  SESSION_SECRET?: string;

  /** Hours a signed-in session lasts without activity. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SESSION_HOURS = 8;

  /** Sign-in attempts allowed per minute from one address. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT = 30;

  /** Wrong passwords in a row before an account is locked, and for how long. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOCKOUT_THRESHOLD = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOCKOUT_MINUTES = 15;

  /** Set to the number of proxies in front (e.g. 1) when TLS ends at a proxy, so cookies are marked Secure. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  TRUST_PROXY = 0;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
