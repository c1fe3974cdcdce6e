import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks a flow of work whose reads should run in the read pool (read-pool.service.ts): on SQLite
 * its SELECTs go to a worker thread's read-only connection instead of the main connection, unless
 * the flow is inside its own transaction (then they must see its uncommitted rows). Writes are
 * never affected. On PostgreSQL the mark changes nothing.
 */
const offMainThread = new AsyncLocalStorage<boolean>();

export function readsOffMainThread<T>(fn: () => T): T {
  return offMainThread.run(true, fn);
}

export function prefersReadPool(): boolean {
  return offMainThread.getStore() === true;
}

/**
 * On a service method that only reads (a report, a list, a search): its reads, and those of
 * everything it calls, run in the read pool. TypeORM query builders and raw SQL alike.
 */
export function ReadsOffMainThread(): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const method = descriptor.value as (...args: unknown[]) => unknown;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      return readsOffMainThread(() => method.apply(this, args));
    };
    // Keep whatever other decorators recorded on the method itself.
    for (const key of Reflect.getMetadataKeys(method)) Reflect.defineMetadata(key, Reflect.getMetadata(key, method), wrapped);
    Object.defineProperty(wrapped, 'name', { value: method.name });
    descriptor.value = wrapped;
    return descriptor;
  };
}
