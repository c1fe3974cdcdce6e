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
