/**
 * Jest runs many suites in one worker process, and each suite loads the app afresh, with its own
 * AsyncLocalStorage instances (the flow, audit and read contexts, nestjs-pino's). Node's
 * async_hooks module is not reloaded: it keeps every storage ever used enabled, and copies each
 * into every promise made afterwards. By a worker's thirtieth suite that was about a tenth of
 * `npm test`'s CPU time. So each suite, as it starts, disables the storages of the suites before it
 * (they have finished: a worker runs one suite at a time).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const USED = Symbol.for('prevent-training-tracker.tests.async-storages');
const shared = AsyncLocalStorage as typeof AsyncLocalStorage & { [USED]?: Set<AsyncLocalStorage<unknown>> };

const used = shared[USED];
if (used) {
  for (const storage of used) storage.disable();
  used.clear();
} else {
  const seen = new Set<AsyncLocalStorage<unknown>>();
  shared[USED] = seen;
  const prototype = AsyncLocalStorage.prototype as unknown as Record<'run' | 'enterWith', (...args: unknown[]) => unknown>;
  for (const name of ['run', 'enterWith'] as const) {
    const original = prototype[name];
    prototype[name] = function (this: AsyncLocalStorage<unknown>, ...args: unknown[]) {
      seen.add(this);
      return original.apply(this, args);
    };
  }
}
