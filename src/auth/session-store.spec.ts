import { DataSource } from 'typeorm';
import { answeringRequest } from '../database/flow-context';
import { DatabaseSessionStore, signedInAccount } from './session-store';
import { WebSession } from './web-session.entity';

/** A DataSource whose WebSession repository only counts the writes the store makes. */
function fakeDatabase() {
  const updates: { sid: string; expiresAt: string }[] = [];
  const repository = {
    update: async (where: { sid: string }, set: { expiresAt: string }) => void updates.push({ sid: where.sid, expiresAt: set.expiresAt }),
    upsert: async () => undefined,
    delete: async () => undefined,
    // get(): the session read with its account, as one query.
    createQueryBuilder: () => {
      let sid = '';
      const query = {
        leftJoinAndMapOne: () => query,
        where: (_sql: string, params: { sid: string }) => ((sid = params.sid), query),
        getOne: async () => ({ sid, data: '{"userId":1}', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), userId: 1, account: { id: 1, email: 'a@example.gov.uk' } }),
      };
      return query;
    },
  };
  const dataSource = { getRepository: (entity: unknown) => (entity === WebSession ? repository : null) } as unknown as DataSource;
  return { dataSource, updates };
}

const cookieEnding = (ms: number) => ({ cookie: { expires: new Date(ms) } }) as never;

describe('DatabaseSessionStore.touch (rolling sessions)', () => {
  afterEach(() => jest.useRealTimers());

  it('moves a session on in the database at most once a minute, and then to its latest end', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-03-03T09:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const { dataSource, updates } = fakeDatabase();
    const store = new DatabaseSessionStore(dataSource, 3_600_000);
    const start = Date.now();
    store.touch('s1', cookieEnding(start + 3_600_000));
    store.touch('s1', cookieEnding(start + 3_630_000));
    store.touch('s1', cookieEnding(start + 3_659_999));
    store.touch('s1', cookieEnding(start + 3_660_000));
    store.touch('s2', cookieEnding(start + 3_600_000));
    await Promise.resolve();
    expect(updates.map((u) => [u.sid, u.expiresAt])).toEqual([
      ['s1', new Date(start + 3_600_000).toISOString()],
      ['s1', new Date(start + 3_660_000).toISOString()],
      ['s2', new Date(start + 3_600_000).toISOString()],
    ]);
  });

  it('counts the end it has just read as written, and forgets a session once it is destroyed', async () => {
    const { dataSource, updates } = fakeDatabase();
    const store = new DatabaseSessionStore(dataSource, 3_600_000);
    await new Promise((resolve) => store.get('s1', resolve));
    store.touch('s1', cookieEnding(Date.now() + 3_600_000));
    expect(updates).toEqual([]);
    await new Promise((resolve) => store.destroy('s1', resolve));
    store.touch('s1', cookieEnding(Date.now() + 3_600_000));
    expect(updates).toHaveLength(1);
  });
});

describe('DatabaseSessionStore.get', () => {
  it("leaves the session's account for the same request's guard to take once, and for no other request", async () => {
    const { dataSource } = fakeDatabase();
    const store = new DatabaseSessionStore(dataSource, 3_600_000);
    const inRequest = <T>(fn: () => Promise<T>) => new Promise<T>((resolve) => answeringRequest(() => void fn().then(resolve), () => undefined, true));
    const taken = await inRequest(async () => {
      await new Promise((resolve) => store.get('s1', resolve));
      return [signedInAccount(1)?.email, signedInAccount(1)];
    });
    expect(taken).toEqual(['a@example.gov.uk', undefined]);
    await new Promise((resolve) => store.get('s1', resolve));
    expect(await inRequest(async () => signedInAccount(1))).toBeUndefined();
  });
});
