import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/app-config';

/** Nest's own start-up chatter (modules loaded, every route mapped): useful when debugging, noise otherwise. */
const NEST_START_UP = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Structured fields that may hold personal data, wherever code logs them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['email', 'displayName', 'firstName', 'lastName', 'password', 'token'].flatMap((key) => [key, `*.${key}`]),
];

/** An email address in a message; addresses at the reserved .test domain (the demo accounts) are not anyone's. */
const EMAIL = /[^\s@<>()"',;:]+@(?![a-z0-9-]+\.test\b)[^\s@<>()"',;:]+\.[a-z]{2,}/gi;

/** A message with any email address in it replaced. */
export function withoutEmails(message: string): string {
  return message.replace(EMAIL, '[email]');
}

/** Pretty one-line logs for a person at a terminal, JSON lines for a log collector (LOG_FORMAT says which, else the terminal does). */
export function logFormat(config: AppConfig, stdout: { isTTY?: boolean } = process.stdout): 'pretty' | 'json' {
  if (config.LOG_FORMAT) return config.LOG_FORMAT;
  return stdout.isTTY ? 'pretty' : 'json';
}

/** The request's path without its query: a query may carry a search for a person's name. */
function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return url.split('?')[0];
}

/**
 * nestjs-pino's settings: one line a request (method, path, status, time), no headers, no query,
 * no bodies, and emails taken out of messages. `destination` is where the lines go (stdout).
 */
export function loggerParams(config: AppConfig, destination: NodeJS.WritableStream = process.stdout): Params {
  const format = logFormat(config, destination as { isTTY?: boolean });
  const fd = (destination as { fd?: number }).fd;
  // Written synchronously, so nothing is lost when the process exits after a signal.
  const target =
    format === 'pretty'
      ? pretty({
          destination,
          sync: true,
          colorize: (destination as { isTTY?: boolean }).isTTY ?? false,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname,context,req,res,responseTime,reqId',
          messageFormat: '{if context}{context}: {end}{msg}',
        })
      : fd === undefined
        ? (destination as pino.DestinationStream)
        : pino.destination({ dest: fd, sync: true });
  return {
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        autoLogging: { ignore: (req) => /^\/(assets|govuk|static)\//.test(req.url ?? '') },
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        serializers: {
          req: (req: IncomingMessage & { id?: unknown; raw?: IncomingMessage }) => ({ id: req.id, method: req.method, path: pathOf(req.raw ?? req) }),
          res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        },
        customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(ms)} ms`,
        customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode} failed`,
        hooks: {
          logMethod(args, method) {
            method.apply(this, args.map((arg) => (typeof arg === 'string' ? withoutEmails(arg) : arg)) as Parameters<typeof method>);
          },
        },
      },
      target,
    ],
  };
}

/** Nest's logger over pino, with Nest's start-up chatter (each route mapped) moved down to debug. */
export class TrackerLogger implements LoggerService {
  constructor(private readonly logger: LoggerService & { debug(message: unknown, ...rest: unknown[]): void }) {}

  log(message: unknown, ...rest: unknown[]) {
    const context = rest.at(-1);
    if (typeof context === 'string' && NEST_START_UP.has(context)) this.logger.debug(message, ...rest);
    else this.logger.log(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.logger.error(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.logger.warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.logger.debug(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.logger.verbose?.(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.logger.fatal?.(message, ...rest);
  }
}
