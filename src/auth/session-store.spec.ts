import { DataSource } from 'typeorm';
import { DatabaseSessionStore } from './session-store';
import { WebSession } from './web-session.entity';

/** A DataSource whose WebSession repository only counts the writes the store makes. */
function fakeDatabase() {
  const updates: { sid: string; expiresAt: string }[] = [];
  const repository = {
    update: async (where: { sid: string }, set: { expiresAt: string }) => void updates.push({ sid: where.sid, expiresAt: set.expiresAt }),
    upsert: async () => undefined,
    delete: async () => undefined,
    findOneBy: async ({ sid }: { sid: string }) => ({ sid, data: '{}', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), userId: 1 }),
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
