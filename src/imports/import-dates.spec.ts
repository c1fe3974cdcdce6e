import { readImportDate } from './import-dates';

const TODAY = '2026-03-10';
const read = (s: string) => readImportDate(s, TODAY);

describe('readImportDate', () => {
  it.each([
    ['2026-03-03', '2026-03-03'],
    ['03/03/2026', '2026-03-03'],
    ['3/3/2026', '2026-03-03'],
    ['Tuesday, 3 March 2026, 2:05 PM', '2026-03-03'], // Moodle
    ['12 Jun 2025', '2025-06-12'], // Totara certification
    ['12-Jun-2025', '2025-06-12'], // Oracle / ESR
    ['12-JUN-25', '2025-06-12'],
    ['03/03/26, 14:05', '2026-03-03'],
    ['03/03/2026 14:05', '2026-03-03'],
    ['03/03/2026 14:05:33', '2026-03-03'],
    ['2026-03-03T14:05:00Z', '2026-03-03'],
    ['2026-03-03 14:05', '2026-03-03'],
    ['03-03-2026', '2026-03-03'],
    ['03.03.2026', '2026-03-03'],
    ['3rd March 2026', '2026-03-03'],
    ['March 3, 2026', '2026-03-03'],
    ['2026/03/03', '2026-03-03'],
    ['  29/02/2024 ', '2024-02-29'],
  ])('reads %p as %s', (s, expected) => expect(read(s)).toEqual({ ok: true, date: expected }));

  it('reads numbers day first, never month first', () => {
    expect(read('01/02/2025')).toEqual({ ok: true, date: '2025-02-01' });
    expect(read('12/01/2025')).toEqual({ ok: true, date: '2025-01-12' });
  });

  it('takes a two-digit year as the latest year ending so that is at most a year ahead', () => {
    expect(read('01/01/27')).toEqual({ ok: true, date: '2027-01-01' });
    expect(read('01/01/28')).toEqual({ ok: true, date: '1928-01-01' });
    expect(read('01/01/00')).toEqual({ ok: true, date: '2000-01-01' });
    expect(read('01/01/99')).toEqual({ ok: true, date: '1999-01-01' });
  });

  it('refuses a US-order date, saying what to write instead', () => {
    expect(read('12/31/2025')).toEqual({
      ok: false,
      reason: '12/31/2025 is not a real date: dates are read day first, so this would be month 31. If you meant 31 December 2025, write 31/12/2025 or 2025-12-31',
    });
  });

  it.each(['31/02/2025', '2025-02-31', '00/01/2025'])('says %p is not a real date', (s) => expect(read(s)).toEqual({ ok: false, reason: `${s} is not a real date` }));

  it('refuses a weekday that is not the date\'s', () => {
    expect(read('Monday, 3 March 2026')).toEqual({ ok: false, reason: expect.stringContaining('3 March 2026 is not a Monday') });
  });

  it.each(['soon', '45658', '20260303', '3 March', 'March 2026'])('refuses %p, saying what to write', (s) => {
    const result = read(s);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('write it as 3 March 2026, 03/03/2026 or 2026-03-03') });
  });
});
