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

/** A request being answered, as its flows know it: over once its answer is sent or its client left. */
interface RequestMark {
  over: boolean;
  /** Reads made once for the whole request, for one that changes nothing (GET, HEAD); null otherwise. */
  readOnce: Map<string, Promise<unknown>> | null;
  /** What one step of the request found for a later one to take (readFoundAlready). */
  found: Map<string, unknown>;
}
const requestOfFlow = new AsyncLocalStorage<RequestMark>();
let requestsBeingAnswered = 0;
/** When each flow of long work last came back from letOtherRequestsIn: how long its batch has run since. */
const lastReturned = new WeakMap<object, number>();
const OUTSIDE_ANY_FLOW = {};
/** The longest long work waits for the requests in one go, however long its batch ran. */
const YIELD_AT_MOST_MS = 200;

/**
 * Runs `next` (the rest of an HTTP request's handling) as a request being answered, which long
 * work gives way to (letOtherRequestsIn); `whenOver` is given, before `next` runs, the function
 * that marks it answered (any number of calls count once). `changesNothing` (a GET or HEAD) lets
 * its reads of what seldom changes be made once for the whole request (readOncePerRequest).
 */
export function answeringRequest(next: () => void, whenOver: (answered: () => void) => void, changesNothing = false): void {
  const mark: RequestMark = { over: false, readOnce: changesNothing ? new Map() : null, found: new Map() };
  requestsBeingAnswered++;
  whenOver(() => {
    if (mark.over) return;
    mark.over = true;
    requestsBeingAnswered--;
  });
  requestOfFlow.run(mark, next);
}

/**
 * Between the batches of long work (an import, a retention run, the keeper of kept compliance):
 * lets the server answer the requests that waited. On SQLite every write runs on the main thread,
 * so a batch blocks it; and a request that needs several turns of the event loop (its session,
 * its reads, its page) would otherwise meet a batch between each. So this waits while any other
 * request is being answered, until they all are, but no longer than the batch itself ran (and at
 * most YIELD_AT_MOST_MS): requests come first, and long work still gets at least half the thread
 * however busy the server is. A pause before it (`pauseMs`) leaves time for requests to arrive.
 */
export async function letOtherRequestsIn(pauseMs = 0): Promise<void> {
  const flow = flowContext.getStore() ?? OUTSIDE_ANY_FLOW;
  const last = lastReturned.get(flow);
  const ran = last === undefined ? 0 : performance.now() - last;
  if (pauseMs > 0) await setTimeout(pauseMs);
  await setImmediate();
  const own = requestOfFlow.getStore();
  const mine = own && !own.over ? 1 : 0;
  const until = performance.now() + Math.min(ran, YIELD_AT_MOST_MS);
  while (requestsBeingAnswered > mine && performance.now() < until) await setTimeout(1);
  lastReturned.set(flow, performance.now());
}

/** How many requests are being answered now (for tests). */
export function requestsInProgress(): number {
  return requestsBeingAnswered;
}

/**
 * `read()`, made once for the whole of a request that changes nothing (a GET: a page asks for the
 * framework from several places, and on PostgreSQL each statement is a round trip): every later
 * call with the same key in that request shares the first one's answer. Anywhere else (a form
 * being sent, a job, a transaction) it reads each time, so a change is seen by the next read.
 */
export function readOncePerRequest<T>(key: string, read: () => Promise<T>): Promise<T> {
  const memo = requestOfFlow.getStore()?.readOnce;
  if (!memo) return read();
  const known = memo.get(key) as Promise<T> | undefined;
  if (known) return known;
  const reading = read();
  memo.set(key, reading);
  reading.catch(() => memo.delete(key));
  return reading;
}

/** Leaves what one step of the request read (the account, with its session) for a later step to take. */
export function leaveForLaterInRequest(key: string, value: unknown): void {
  requestOfFlow.getStore()?.found.set(key, value);
}

/** What an earlier step of this request left under `key` (taken once), or undefined. */
export function takeFromEarlierInRequest<T>(key: string): T | undefined {
  const found = requestOfFlow.getStore()?.found;
  const value = found?.get(key) as T | undefined;
  found?.delete(key);
  return value;
}
