import { answeringRequest, inOwnFlow, letOtherRequestsIn, readOncePerRequest, requestsInProgress } from './flow-context';

/** Keeps the main thread busy for `ms`, as a batch of an import written on SQLite does. */
function batch(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A request arrives: the returned function answers it. */
function request(): () => void {
  let answered!: () => void;
  answeringRequest(
    () => undefined,
    (a) => (answered = a),
  );
  return answered;
}

describe('letOtherRequestsIn', () => {
  it('counts a request from its arrival until it is answered, once however often that is said', () => {
    const before = requestsInProgress();
    const answer = request();
    expect(requestsInProgress()).toBe(before + 1);
    answer();
    answer();
    expect(requestsInProgress()).toBe(before);
  });

  it('long work waits between its batches until the requests being answered are', async () => {
    const events: string[] = [];
    await inOwnFlow(async () => {
      await letOtherRequestsIn();
      batch(100);
      const answer = request();
      setTimeout(() => {
        events.push('request answered');
        answer();
      }, 30);
      await letOtherRequestsIn();
      events.push('next batch');
    });
    expect(events).toEqual(['request answered', 'next batch']);
  });

  it('long work inside a request does not wait for itself, and waits no longer than its batch ran for one never answered', async () => {
    const events: string[] = [];
    let never: (() => void) | null = null;
    let own!: () => void;
    await new Promise<void>((done) =>
      answeringRequest(
        () =>
          void inOwnFlow(async () => {
            await letOtherRequestsIn();
            batch(20);
            await letOtherRequestsIn();
            events.push('own request: no wait');
            never = request();
            batch(20);
            await letOtherRequestsIn();
            events.push('went on after its batch time');
            done();
          }),
        (answered) => (own = answered),
      ),
    );
    own();
    never!();
    expect(events).toEqual(['own request: no wait', 'went on after its batch time']);
  });
});

describe('readOncePerRequest', () => {
  /** Runs fn as a request, a GET (changes nothing) or not, and answers it when fn is done. */
  const asRequest = <T>(changesNothing: boolean, fn: () => Promise<T>) =>
    new Promise<T>((resolve) => answeringRequest(() => void fn().then(resolve), () => undefined, changesNothing));

  it('reads once for a whole GET, however often and however at once it is asked', async () => {
    let reads = 0;
    const read = () => readOncePerRequest('levels', async () => ++reads);
    expect(await asRequest(true, async () => [...(await Promise.all([read(), read()])), await read()])).toEqual([1, 1, 1]);
    // The next request reads afresh.
    expect(await asRequest(true, read)).toBe(2);
  });

  it('reads each time in a request that may change things, and outside any request', async () => {
    let reads = 0;
    const read = () => readOncePerRequest('levels', async () => ++reads);
    expect(await asRequest(false, async () => [await read(), await read()])).toEqual([1, 2]);
    expect([await read(), await read()]).toEqual([3, 4]);
  });

  it('forgets a read that failed, so the next asking tries again', async () => {
    let reads = 0;
    const read = () =>
      readOncePerRequest('levels', async () => {
        if (++reads === 1) throw new Error('the database went away');
        return reads;
      });
    expect(await asRequest(true, async () => [await read().catch((e: Error) => e.message), await read()])).toEqual(['the database went away', 2]);
  });
});
