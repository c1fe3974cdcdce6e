import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { requestsAtOnce } from './requests-at-once';

/** A request to `path` and its response, which can be finished or closed by the client. */
function call(path: string) {
  const res = new EventEmitter() as EventEmitter & Response;
  return { req: { path } as Request, res, finish: () => res.emit('finish'), close: () => res.emit('close') };
}

describe('requestsAtOnce', () => {
  it('works on at most the limit at once and lets the others in first come, first served', () => {
    const limit = requestsAtOnce(2);
    const started: string[] = [];
    const calls = ['/a', '/b', '/c', '/d'].map((p) => ({ p, ...call(p) }));
    for (const c of calls) limit(c.req, c.res, () => started.push(c.p));
    expect(started).toEqual(['/a', '/b']);
    calls[1].finish();
    expect(started).toEqual(['/a', '/b', '/c']);
    // A client that hangs up frees its place too, and only once however many events follow.
    calls[0].close();
    calls[0].finish();
    expect(started).toEqual(['/a', '/b', '/c', '/d']);
    const late = call('/e');
    let lateStarted = false;
    limit(late.req, late.res, () => (lateStarted = true));
    expect(lateStarted).toBe(false);
    calls[2].finish();
    expect(lateStarted).toBe(true);
  });

  it('forgets a request whose client gave up while it waited, so its place is not lost', () => {
    const limit = requestsAtOnce(1);
    const started: string[] = [];
    const calls = ['/a', '/b', '/c'].map((p) => ({ p, ...call(p) }));
    for (const c of calls) limit(c.req, c.res, () => started.push(c.p));
    expect(started).toEqual(['/a']);
    calls[1].close();
    calls[0].finish();
    expect(started).toEqual(['/a', '/c']);
    calls[2].finish();
    const next = call('/d');
    let nextStarted = false;
    limit(next.req, next.res, () => (nextStarted = true));
    expect(nextStarted).toBe(true);
  });

  it('never holds back a health check, and 0 means no limit', () => {
    const limit = requestsAtOnce(1);
    const started: string[] = [];
    for (const p of ['/staff', '/reports/gap-analysis', '/health/ready', '/health/live']) {
      const c = call(p);
      limit(c.req, c.res, () => started.push(p));
    }
    expect(started).toEqual(['/staff', '/health/ready', '/health/live']);
    const none = requestsAtOnce(0);
    let n = 0;
    for (let i = 0; i < 50; i++) {
      const c = call('/staff');
      none(c.req, c.res, () => n++);
    }
    expect(n).toBe(50);
  });
});
