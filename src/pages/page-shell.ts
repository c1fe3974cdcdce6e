import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { ScopeService } from '../access/scope.service';
import type { Scope, UserRole } from '../auth/scope';
import { WHO_CAN_HELP } from '../common/http-exception.filter';
import { navigationFor, within } from './navigation';
// hbs is CommonJS with no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hbs = require('hbs') as { registerHelper: (name: string, fn: (...args: unknown[]) => unknown) => void };

let registered = false;

/**
 * What every page around its content needs: `res.locals.currentPath` (also for error pages) and the
 * `serviceNavigation` and `startsWith` view helpers the header lists and marks the sections with;
 * and, for the 403 page, who can help the person refused.
 */
export function installPageShell(app: NestExpressApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.currentPath = req.path;
    next();
  });
  const scopes = app.get(ScopeService);
  app.set(WHO_CAN_HELP, (req: Request & { scope?: Scope }) => (req.scope ? scopes.administratorsAbove(req.scope) : Promise.resolve([])));
  if (registered) return;
  registered = true;
  hbs.registerHelper('serviceNavigation', (user: unknown, path: unknown) =>
    navigationFor((user as { role?: UserRole } | undefined)?.role, typeof path === 'string' ? path : '/'),
  );
  // "No session with id 12" names an internal number: the 404 page's own words say it better.
  hbs.registerHelper('withoutIds', (message: unknown) => (typeof message === 'string' && !/ with id \S+$/.test(message) ? message : ''));
  hbs.registerHelper('startsWith', (path: unknown, prefix: unknown) => typeof path === 'string' && typeof prefix === 'string' && within(path, prefix));
}
