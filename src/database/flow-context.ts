import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate, setTimeout } from 'node:timers/promises';

/**
 * Identifies one flow of work (an HTTP request, a command-line run) across its awaits, so the
 * SQLite transaction gate can tell a transaction's own queries from everyone else's.
 */
export const flowContext = new AsyncLocalStorage<object>();

/** Runs fn as a flow of its own. */
export function inOwnFlow<T>(fn: () => T): T {
  return flowContext.run({}, fn);
}

/**
 * Between the batches of long work (an import, a retention run): lets the server answer the
 * requests that waited. On SQLite every statement runs on the main thread, so a batch blocks it.
 * An immediate passes one turn of the event loop, its I/O included, but a request that needs
 * several queries makes only one of them before the next batch; a pause before it (`pauseMs`)
 * leaves it time to make more.
 */
export async function letOtherRequestsIn(pauseMs = 0): Promise<void> {
  if (pauseMs > 0) await setTimeout(pauseMs);
  await setImmediate();
}
