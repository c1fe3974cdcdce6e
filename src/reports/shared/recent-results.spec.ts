import { RecentResults } from './recent-results';

describe('RecentResults', () => {
  it('drops the oldest beyond its number of results', () => {
    const kept = new RecentResults<string>(60_000, 2);
    kept.set('a', 'A');
    kept.set('b', 'B');
    kept.set('c', 'C');
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual([undefined, 'B', 'C']);
  });

  it('drops the oldest beyond its rows in all, and keeps no result larger than that', () => {
    const kept = new RecentResults<number[]>(60_000, 100, { of: (rows) => rows.length, most: 10 });
    kept.set('a', [1, 2, 3, 4]);
    kept.set('b', [1, 2, 3, 4]);
    kept.set('a', [1, 2, 3, 4, 5]);
    // a (5 rows) and b (4 rows) fit in 10; c (3 rows) takes the room of the oldest, b.
    kept.set('c', [1, 2, 3]);
    expect([kept.get('a')?.length, kept.get('b'), kept.get('c')?.length]).toEqual([5, undefined, 3]);
    kept.set('huge', Array.from({ length: 11 }, (_, i) => i));
    expect([kept.get('huge'), kept.get('a')?.length, kept.get('c')?.length]).toEqual([undefined, 5, 3]);
  });

  it('finds nothing once a result is older than its time limit, and nothing for a null key', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const kept = new RecentResults<string>(1_000, 10);
      kept.set('a', 'A');
      kept.set(null, 'never');
      jest.setSystemTime(1_000);
      expect(kept.get('a')).toBe('A');
      jest.setSystemTime(1_001);
      expect([kept.get('a'), kept.get(null)]).toEqual([undefined, undefined]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('works a result out once for everyone who asks while it is being worked out, and keeps it', async () => {
    const kept = new RecentResults<string>(60_000, 10);
    let made = 0;
    let finish!: (v: string) => void;
    const make = () => {
      made++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const asked = [kept.kept('a', make), kept.kept('a', make), kept.kept('a', make)];
    finish('A');
    expect(await Promise.all(asked)).toEqual(['A', 'A', 'A']);
    expect(await kept.kept('a', make)).toBe('A');
    expect(made).toBe(1);
  });

  it('keeps nothing that failed: the next asker works it out again', async () => {
    const kept = new RecentResults<string>(60_000, 10);
    await expect(kept.kept('a', () => Promise.reject(new Error('the database went away')))).rejects.toThrow('the database went away');
    expect(await kept.kept('a', async () => 'A')).toBe('A');
    // A null key (a trainer's result) is worked out every time.
    let made = 0;
    await kept.kept(null, async () => String(++made));
    expect(await kept.kept(null, async () => String(++made))).toBe('2');
  });
});
