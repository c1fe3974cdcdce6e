import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Identifies one flow of work (an HTTP request, a command-line run) across its awaits, so the
 * SQLite transaction gate can tell a transaction's own queries from everyone else's.
 */
export const flowContext = new AsyncLocalStorage<object>();

/** Runs fn as a flow of its own. */
export function inOwnFlow<T>(fn: () => T): T {
  return flowContext.run({}, fn);
}
