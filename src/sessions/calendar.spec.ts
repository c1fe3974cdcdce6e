import { calendarMonth, isMonth } from './calendar';

describe('calendarMonth', () => {
  const sessions = [
    { id: 1, date: '2026-03-03' },
    { id: 2, date: '2026-03-03' },
    { id: 3, date: '2026-03-31' },
    { id: 4, date: '2026-04-01' },
  ];
  const march = calendarMonth('2026-03', sessions, (s) => s.date, '2026-03-10');

  it('runs from the Monday on or before the 1st to the Sunday on or after the last day', () => {
    expect(march.gridStart).toBe('2026-02-23'); // 1 March 2026 is a Sunday
    expect(march.gridEnd).toBe('2026-04-05');
    expect(march.weeks).toHaveLength(6);
    expect(march.weeks.every((w) => w.days.length === 7)).toBe(true);
  });

  it('puts each session on its day, and marks the days outside the month and today', () => {
    const days = march.weeks.flatMap((w) => w.days);
    expect(days.find((d) => d.date === '2026-03-03')?.items.map((s) => s.id)).toEqual([1, 2]);
    expect(days.find((d) => d.date === '2026-04-01')).toMatchObject({ inMonth: false, items: [{ id: 4 }] });
    expect(days.filter((d) => d.isToday).map((d) => d.date)).toEqual(['2026-03-10']);
  });

  it('links to the months either side, across a year end', () => {
    expect(calendarMonth('2026-01', [], () => '', '2026-01-01')).toMatchObject({ previous: '2025-12', next: '2026-02' });
  });

  it('needs exactly four weeks for a February that starts on a Monday', () => {
    expect(calendarMonth('2027-02', [], () => '', '2027-02-01').weeks).toHaveLength(4);
  });

  it('refuses a month that is not YYYY-MM', () => {
    expect(isMonth('2026-13')).toBe(false);
    expect(() => calendarMonth('2026-3', [], () => '', '2026-03-01')).toThrow(RangeError);
  });
});
