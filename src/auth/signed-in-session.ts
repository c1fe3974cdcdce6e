import type { Request } from 'express';
import type { SessionData } from 'express-session';

/** Minutes a right password waits for its second factor. */
export const PENDING_MINUTES = 10;

/**
 * A new session id (so a session fixed before sign-in is worthless) holding only `values`:
 * the signed-in account, or a sign-in still waiting for its second factor.
 */
export function renewSession(req: Request, values: Partial<SessionData>): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error) => {
      if (error) return reject(error);
      Object.assign(req.session, values);
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    }),
  );
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

/** The sign-in waiting for a second factor, if there is one and it has not expired. */
export function pendingSignIn(req: Request): SessionData['pendingSignIn'] | null {
  const pending = req.session?.pendingSignIn;
  return pending && pending.until > new Date().toISOString() ? pending : null;
}
