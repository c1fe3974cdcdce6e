import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, registerDecorator, validateSync } from 'class-validator';
import { USER_ROLES, type UserRole } from '../auth/scope';
import { parseEnvironmentProviders, type ProviderSettings } from '../single-sign-on/provider-settings';

/** Why a PUBLIC_URL will not do, or null: an http(s) address of the site itself, no path, query or password. */
export function publicUrlProblem(value: unknown): string | null {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return 'must be a web address such as https://prevent.example.gov.uk';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with https:// (or http://)';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.pathname !== '/' || url.search || url.hash) return 'must be the address of the site only, with no path, query or #fragment (the tracker is served at /)';
  return null;
}

function IsPublicUrl() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPublicUrl',
      target: target.constructor,
      propertyName,
      options: { message: ({ value }) => `${propertyName} ${publicUrlProblem(value) ?? 'is not valid'}` },
      validator: { validate: (value: unknown) => value === undefined || publicUrlProblem(value) === null },
    });
}

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

  /** `pretty`: one short line a request, for a terminal; `json`: a JSON object a line. Unset: pretty in a terminal, else JSON. */
  @IsOptional()
  @IsIn(['pretty', 'json'])
  LOG_FORMAT?: 'pretty' | 'json';

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

  /** Where `npm run backup` writes SQLite backups (relative to the project folder), and how many it keeps. */
  @IsString()
  BACKUP_DIR = 'backups';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  BACKUP_KEEP = 14;

  /**
   * A daily backup taken by the server itself (SQLite only), at this time of day in TIME_ZONE,
   * e.g. 02:00; run by one server only when several share the database. off: none
   * (back up from cron with `npm run backup`).
   */
  @Matches(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, { message: 'BACKUP_SCHEDULE must be off or a time of day such as 02:00' })
  BACKUP_SCHEDULE = 'off';

  /** Turns on GET /metrics (Prometheus), answered only with `Authorization: Bearer <METRICS_TOKEN>`. Unset: metrics are off. */
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /** Seconds a stopping server (SIGTERM) gives requests in flight before closing their connections. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_SECONDS = 10;

  /**
   * SQLite: worker threads that run reports, lists and searches on read-only connections, beside
   * the writer and off the main thread; 0 turns the read pool off (everything on one connection).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(16)
  READ_POOL_SIZE = 2;

  /**
   * Requests worked on at once; more wait their turn in order of arrival, so that under heavy use
   * reports and lists are answered in step with quick pages (src/common/requests-at-once.ts).
   * Health checks are never held. 0: no limit.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10000)
  REQUESTS_AT_ONCE = 16;

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

  /** Imports: the most data rows a file may have, and what an XLSX sheet may unpack to (checked before inflating). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  IMPORT_MAX_ROWS = 1_000_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  IMPORT_MAX_XLSX_MB = 1024;

  /**
   * The address people reach the tracker at, e.g. https://prevent.example.gov.uk: every link that
   * leaves the tracker (feedback links and their QR codes) is built on it, never on the Host header
   * of a request. Defaults to http://localhost:PORT; a trailing slash is dropped.
   */
  @IsPublicUrl()
  PUBLIC_URL: string;

  /** My training: where certificates people send are kept (outside the web root; relative to the project folder), and their largest size. */
  @IsString()
  EVIDENCE_DIR = 'data/evidence';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  EVIDENCE_MAX_MB = 5;

  /** My training: minutes a sign-in link works, and link requests per 15 minutes from one client address. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  SIGN_IN_LINK_MINUTES = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIGN_IN_LINK_RATE_LIMIT = 10;

  /**
   * The mail server messages are sent through, e.g. smtp://user:password@smtp.example.gov.uk:587
   * (smtps:// for TLS from the start). Unset: messages stay in the outbox, unsent (README, Messages).
   */
  @IsOptional()
  @IsString()
  SMTP_URL?: string;

  /** The sender of every message, e.g. "Prevent training <prevent@example.gov.uk>"; defaults to no-reply at PUBLIC_URL's host. */
  @IsOptional()
  @IsString()
  MAIL_FROM?: string;

  /** `off`: this server runs no scheduled jobs (reminders, sending the outbox); another server must. */
  @IsIn(['on', 'off'])
  SCHEDULER = 'on';

  /** Days before a level lapses (or falls due) that a person is reminded, comma-separated (README, Messages). */
  @IsString()
  @Matches(/^\s*\d{1,3}\s*(,\s*\d{1,3}\s*)*$/, { message: 'REMINDER_DAYS must be whole numbers of days separated by commas, e.g. 60,14' })
  REMINDER_DAYS = '60,14';

  /** Set to the number of proxies in front (e.g. 1) when TLS ends at a proxy, so cookies are marked Secure. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  TRUST_PROXY = 0;

  /** OpenID Connect providers as a JSON array (see README, Single sign-on); read into `environmentProviders`. */
  @IsOptional()
  @IsString()
  OIDC_PROVIDERS?: string;

  /** Roles that must use a second factor with a password, comma-separated, e.g. admin,coordinator; read into `secondFactorRoles`. */
  @IsString()
  @Matches(new RegExp(`^\\s*((${USER_ROLES.join('|')})\\s*(,\\s*|$))*$`), { message: `SECOND_FACTOR_REQUIRED_FOR must list roles separated by commas: ${USER_ROLES.join(', ')}` })
  SECOND_FACTOR_REQUIRED_FOR = '';

  /** OIDC_PROVIDERS, checked. */
  environmentProviders: ProviderSettings[] = [];

  /** SECOND_FACTOR_REQUIRED_FOR, as roles. */
  secondFactorRoles: UserRole[] = [];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  config.environmentProviders = parseEnvironmentProviders(config.OIDC_PROVIDERS);
  config.secondFactorRoles = config.SECOND_FACTOR_REQUIRED_FOR.split(',').map((r) => r.trim()).filter(Boolean) as UserRole[];
  config.PUBLIC_URL = config.PUBLIC_URL === undefined ? `http://localhost:${config.PORT}` : new URL(config.PUBLIC_URL).origin;
  return config;
}
