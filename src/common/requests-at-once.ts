import type { NextFunction, Request, Response } from 'express';
import { answeringRequest } from '../database/flow-context';

/**
 * Counts every request from its arrival until it is answered or its client leaves, so long work
 * (an import, the keeper of kept compliance) gives way to them between its batches
 * (letOtherRequestsIn); a GET or HEAD makes its reads of the framework once (readOncePerRequest).
 */
export function countRequestsBeingAnswered(): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) =>
    answeringRequest(
      next,
      (answered) => {
        res.once('finish', answered);
        res.once('close', answered);
      },
      req.method === 'GET' || req.method === 'HEAD',
    );
}

/**
 * At most `limit` requests worked on at once; the rest wait their turn, first come first served.
 *
 * Node runs every request's JavaScript on one thread. When it is saturated, a request that is
 * answered in one go (a person's record) keeps getting in, while one that waits several times
 * on the database (a report, My team: each wait puts it at the back of the queue of everything
 * that has arrived meanwhile) can wait many seconds: under 50 users the quick pages were answered
 * in 40 ms and My team in 5 s. With a limit, a request that waits competes only with the others
 * already admitted, so the answer times follow the work each needs.
 * Health checks are never held back: they must answer while the server is busy.
 */
export function requestsAtOnce(limit: number): (req: Request, res: Response, next: NextFunction) => void {
  let working = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else working--;
  };
  return (req, res, next) => {
    if (limit <= 0 || req.path.startsWith('/health')) return next();
    // Listened for from arrival: a client that gives up while waiting leaves the queue, and one
    // that gives up once admitted frees its place, exactly once.
    let admitted = false;
    let over = false;
    const start = () => {
      admitted = true;
      next();
    };
    const done = () => {
      if (over) return;
      over = true;
      if (admitted) release();
      else waiting.splice(waiting.indexOf(start), 1);
    };
    res.once('finish', done);
    res.once('close', done);
    if (working < limit) {
      working++;
      start();
    } else {
      waiting.push(start);
    }
  };
}
