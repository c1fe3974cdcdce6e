import { doubleCsrf, DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request } from 'express';

export const CSRF_COOKIE = 'tracker.csrf';

/** Double-submit CSRF tokens (csrf-csrf) bound to the web session. */
export function csrfUtilities(secret: string): DoubleCsrfUtilities {
  return doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req: Request) => req.session?.id ?? '',
    cookieName: CSRF_COOKIE,
    cookieOptions: { sameSite: 'lax', path: '/', httpOnly: true, secure: false },
    getCsrfTokenFromRequest: (req: Request) => (req.body as { _csrf?: string } | undefined)?._csrf ?? req.headers['x-csrf-token'],
  });
}

/** Forms and cookie-signed-in API calls need a token; bearer-token calls and anonymous JSON calls carry no ambient credentials. */
export function needsCsrfCheck(req: Request, viaBearer: boolean): boolean {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return false;
  if (viaBearer) return false;
  return !req.path.startsWith('/api/') || Boolean(req.session?.userId);
}
