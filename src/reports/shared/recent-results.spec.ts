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
});
