import { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { PendingProviderSignIn } from '../single-sign-on/oidc-sign-in.service';
import { TokensService } from '../users/tokens.service';
import { AppSetting } from './app-setting.entity';
import { csrfUtilities } from './csrf';
import { DatabaseSessionStore } from './session-store';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** Set for anonymous visitors shown a form, so their CSRF token has a stable session to bind to. */
    visited?: boolean;
    /** The identity provider the session signed in through (its slug), for signing out there too. */
    signedInVia?: string;
    /**
     * A right password still waiting for its second factor: NOT signed in (no userId), so the
     * guard lets it reach nothing but the second-factor pages.
     */
    pendingSignIn?: PendingSecondFactor;
    /** A round trip to an identity provider under way. */
    providerSignIn?: PendingProviderSignIn;
    /** The authenticator-app secret shown to a signed-in account setting one up, until confirmed. */
    secondFactorSetUp?: string;
  }

  interface PendingSecondFactor {
    userId: number;
    stage: 'code' | 'enrol';
    next: string;
    /** ISO time after which the password must be given again. */
    until: string;
    /** The secret shown at set-up, when the role requires one and the account has none yet. */
    secret?: string;
  }
}

export const SESSION_COOKIE = 'tracker.sid';

/** The only answers that may be cached: GOV.UK Frontend's and our own static files, and /health. */
const CACHEABLE = /^\/(assets|govuk|static)\/|^\/health\/?$/;

/**
 * Cache-Control: no-store on every other answer (pages, JSON under /api, CSV, XLSX, PDF and ICS
 * downloads, images drawn from data), so no browser or proxy keeps a copy of personal data.
 * Routes do not set Cache-Control themselves.
 */
export function noStore(req: Request, res: Response, next: NextFunction): void {
  if (!CACHEABLE.test(req.path)) res.setHeader('Cache-Control', 'no-store');
  next();
}

/** The session secret: SESSION_SECRET, else one generated once and shared through the database. */
async function sessionSecret(dataSource: DataSource, config: AppConfig): Promise<string> {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const settings = dataSource.getRepository(AppSetting);
  const existing = await settings.findOneBy({ key: 'session_secret' });
  if (existing) return existing.value;
  await settings.createQueryBuilder().insert().values({ key: 'session_secret', value: randomBytes(32).toString('hex') }).orIgnore().execute();
  return (await settings.findOneByOrFail({ key: 'session_secret' })).value;
}

/**
 * No caching of anything but static files, cookies, database-backed sessions (HttpOnly,
 * SameSite=Lax, Secure behind TLS), CSRF tokens for every rendered form, and the per-request
 * audit context. Authentication itself is the AuthGuard.
 */
export async function installWebSecurity(app: NestExpressApplication): Promise<void> {
  const config = app.get(AppConfig);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const secret = await sessionSecret(dataSource, config);
  const ttlMs = config.SESSION_HOURS * 3_600_000;
  if (config.TRUST_PROXY > 0) app.set('trust proxy', config.TRUST_PROXY);
  app.set('loginRateLimit', config.LOGIN_RATE_LIMIT);
  const csrf = csrfUtilities(secret);
  app.set('csrf', csrf);

  app.use(noStore);
  app.use(cookieParser());
  app.use(
    session({
      name: SESSION_COOKIE,
      secret,
      store: new DatabaseSessionStore(dataSource, ttlMs),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: ttlMs },
    }),
  );
  // Pages get a CSRF token for their forms, also when a POST re-renders a form with its errors.
  // An existing token valid for this session is reused, so a form posted with it still validates.
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Not the health checks: a load balancer's every probe would write a session (and on SQLite wait for an import to commit).
    if (!req.path.startsWith('/api/') && !req.path.startsWith('/health') && req.accepts('html')) {
      if (!req.session.userId) req.session.visited = true;
      res.locals.csrfToken = csrf.generateCsrfToken(req, res, { cookieOptions: { secure: req.secure } });
    }
    next();
  });
}

/** For express routes outside Nest's router (the OpenAPI pages): a session or a valid bearer token. */
export function requireSignedIn(app: NestExpressApplication) {
  const tokens = app.get(TokensService);
  return (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) {
      if (req.session?.userId) return next();
      if (/-(json|yaml)$/.test(req.baseUrl)) return res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'Sign in first' });
      return res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    }
    tokens
      .authenticate(bearer)
      .then((user) => (user ? next() : res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'The API token is not valid or has been revoked' })))
      .catch(next);
  };
}
