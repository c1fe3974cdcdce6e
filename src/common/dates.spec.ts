import fc from 'fast-check';
import {
  addDays,
  addMonths,
  daysBetween,
  excelSerialToIso,
  financialQuarter,
  formatUkDate,
  isIsoDate,
  previousQuarter,
  quarterOf,
  todayIso,
} from './dates';

const DAY_MS = 86_400_000;

/** A reference built on Date.UTC, for dates after 1900 where Date.UTC is exact. */
function viaDateUtc(d: string, n: number): string {
  const [y, m, day] = d.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, day) + n * DAY_MS).toISOString().slice(0, 10);
}

const isoDates = fc
  .date({ min: new Date(Date.UTC(1901, 0, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

describe('isIsoDate', () => {
  it.each(['2025-01-01', '2024-02-29', '2000-02-29', '2025-12-31', '0001-01-01', '9999-12-31'])(
    'accepts the real date %s',
    (s) => expect(isIsoDate(s)).toBe(true),
  );

  it.each([
    ['an impossible day', '2025-02-31'],
    ['29 February in a common year', '2025-02-29'],
    ['29 February in a century that is not a leap year', '1900-02-29'],
    ['month 13', '2025-13-01'],
    ['month 0', '2025-00-10'],
    ['day 0', '2025-01-00'],
    ['no zero padding', '2025-1-5'],
    ['a two-digit year', '25-01-05'],
    ['a five-digit year', '20250-01-05'],
    ['a time of day', '2025-01-05T00:00:00Z'],
    ['surrounding spaces', ' 2025-01-05 '],
    ['a UK date', '05/01/2025'],
    ['an empty string', ''],
  ])('rejects %s (%s)', (_why, s) => expect(isIsoDate(s)).toBe(false));

  it.each([null, undefined, 20250101, new Date(), {}])('rejects the non-string %p', (value) =>
    expect(isIsoDate(value)).toBe(false),
  );
});

describe('addDays', () => {
  it.each([
    ['2025-01-01', 1, '2025-01-02'],
    ['2025-01-31', 1, '2025-02-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-03-30', 1, '2025-03-31'], // the UK clocks change that night: no effect on a date
    ['2025-10-26', 1, '2025-10-27'],
    ['2025-01-01', 0, '2025-01-01'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2025-01-01', 90, '2025-04-01'],
    ['0001-01-01', 0, '0001-01-01'],
    ['0050-03-01', -1, '0050-02-28'],
  ])('%s + %i days = %s', (d, n, expected) => expect(addDays(d, n)).toBe(expected));

  it('agrees with Date.UTC for any date and offset', () => {
    fc.assert(
      fc.property(isoDates, fc.integer({ min: -5000, max: 5000 }), (d, n) => addDays(d, n) === viaDateUtc(d, n)),
    );
  });

  it('refuses a date that is not real, and a part day', () => {
    expect(() => addDays('2025-02-31', 1)).toThrow(RangeError);
    expect(() => addDays('2025-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('addMonths', () => {
  it.each([
    ['2025-01-15', 1, '2025-02-15'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2025-03-31', -1, '2025-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2025-01-31', -2, '2024-11-30'],
    ['2025-11-30', 2, '2026-01-30'],
    ['2025-12-15', 1, '2026-01-15'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2025-06-30', 36, '2028-06-30'],
    ['2025-06-30', -36, '2022-06-30'],
    ['2025-05-05', 0, '2025-05-05'],
    ['2025-05-05', -13, '2024-04-05'],
  ])('%s + %i months = %s', (d, n, expected) => expect(addMonths(d, n)).toBe(expected));

  it('keeps the day of month when the target month has it, else gives the last day', () => {
    fc.assert(
      fc.property(isoDates, fc.integer({ min: -240, max: 240 }), (d, n) => {
        const result = addMonths(d, n);
        const day = Number(d.slice(8));
        const resultDay = Number(result.slice(8));
        const isLastDay = addDays(result, 1).slice(8) === '01';
        return resultDay === day || (resultDay < day && isLastDay);
      }),
    );
  });

  it('refuses a part month', () => expect(() => addMonths('2025-01-01', 0.5)).toThrow(RangeError));
});

describe('daysBetween', () => {
  it.each([
    ['2025-01-01', '2025-01-01', 0],
    ['2025-01-01', '2025-01-02', 1],
    ['2025-01-02', '2025-01-01', -1],
    ['2025-01-01', '2026-01-01', 365],
    ['2024-01-01', '2025-01-01', 366],
    ['2025-03-29', '2025-03-31', 2],
    ['1999-12-31', '2000-03-01', 61],
  ])('from %s to %s is %i days', (a, b, expected) => expect(daysBetween(a, b)).toBe(expected));

  it('undoes addDays', () => {
    fc.assert(fc.property(isoDates, fc.integer({ min: -5000, max: 5000 }), (d, n) => daysBetween(d, addDays(d, n)) === n));
  });
});

describe('todayIso', () => {
  it('is a real date', () => expect(isIsoDate(todayIso())).toBe(true));

  it('gives the London date, which is ahead of UTC in summer', () => {
    expect(todayIso('Europe/London', new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01');
    expect(todayIso('UTC', new Date('2025-06-30T23:30:00Z'))).toBe('2025-06-30');
  });

  it('gives the London date, which equals UTC in winter', () => {
    expect(todayIso('Europe/London', new Date('2025-12-31T23:30:00Z'))).toBe('2025-12-31');
    expect(todayIso('Europe/London', new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01');
  });

  it('uses the zone given', () => {
    expect(todayIso('Pacific/Auckland', new Date('2025-01-01T12:00:00Z'))).toBe('2025-01-02');
    expect(todayIso('America/New_York', new Date('2025-01-01T03:00:00Z'))).toBe('2024-12-31');
  });
});

describe('formatUkDate', () => {
  it.each([
    ['2026-03-03', '3 March 2026'],
    ['2025-01-01', '1 January 2025'],
    ['2025-12-25', '25 December 2025'],
    ['2024-02-29', '29 February 2024'],
  ])('writes %s as %s', (d, expected) => expect(formatUkDate(d)).toBe(expected));

  it('writes nothing for no date', () => {
    expect(formatUkDate(null)).toBe('');
    expect(formatUkDate(undefined)).toBe('');
  });

  it('refuses a string that is not a date', () => expect(() => formatUkDate('2025-02-31')).toThrow(RangeError));
});

describe('excelSerialToIso', () => {
  it.each([
    [45658, '2025-01-01'],
    [45657, '2024-12-31'],
    [45717, '2025-03-01'],
    [45716, '2025-02-28'],
    [45351, '2024-02-29'],
    [36526, '2000-01-01'],
    [61, '1900-03-01'],
    [59, '1900-02-28'],
    [1, '1900-01-01'],
  ])('reads serial %i as %s', (serial, expected) => expect(excelSerialToIso(serial)).toBe(expected));

  it('drops the time of day from a date-and-time cell', () => {
    expect(excelSerialToIso(45658.75)).toBe('2025-01-01');
  });

  it("refuses Excel's 29 February 1900 and values that are not dates", () => {
    expect(() => excelSerialToIso(60)).toThrow(RangeError);
    expect(() => excelSerialToIso(0)).toThrow(RangeError);
    expect(() => excelSerialToIso(-1)).toThrow(RangeError);
    expect(() => excelSerialToIso(Number.NaN)).toThrow(RangeError);
    expect(() => excelSerialToIso(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('counts one day per serial after the fake leap day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 100_000 }), (serial) =>
        daysBetween('2025-01-01', excelSerialToIso(serial)) === serial - 45658,
      ),
    );
  });
});

describe('financialQuarter', () => {
  it.each([
    [2025, 1, '2025-04-01', '2025-06-30'],
    [2025, 2, '2025-07-01', '2025-09-30'],
    [2025, 3, '2025-10-01', '2025-12-31'],
    [2025, 4, '2026-01-01', '2026-03-31'],
    [2023, 4, '2024-01-01', '2024-03-31'],
  ] as const)('%i/Q%i runs from %s to %s inclusive', (year, quarter, start, end) =>
    expect(financialQuarter(year, quarter)).toEqual({ year, quarter, start, end }),
  );

  it('has quarters that follow on from each other with no gaps', () => {
    for (const year of [2023, 2024, 2025]) {
      for (const quarter of [1, 2, 3] as const) {
        const next = financialQuarter(year, (quarter + 1) as 2 | 3 | 4);
        expect(addDays(financialQuarter(year, quarter).end, 1)).toBe(next.start);
      }
      expect(addDays(financialQuarter(year, 4).end, 1)).toBe(financialQuarter(year + 1, 1).start);
    }
  });

  it('refuses a quarter that does not exist', () => {
    expect(() => financialQuarter(2025, 5 as never)).toThrow(RangeError);
    expect(() => financialQuarter(2025, 0 as never)).toThrow(RangeError);
    expect(() => financialQuarter(2025.5, 1)).toThrow(RangeError);
  });
});

describe('quarterOf', () => {
  it.each([
    ['2025-04-01', 2025, 1],
    ['2025-06-30', 2025, 1],
    ['2025-07-01', 2025, 2],
    ['2025-09-30', 2025, 2],
    ['2025-10-01', 2025, 3],
    ['2025-12-31', 2025, 3],
    ['2026-01-01', 2025, 4],
    ['2026-03-31', 2025, 4],
    ['2025-03-31', 2024, 4],
  ])('%s is in %i/Q%i', (d, year, quarter) => expect(quarterOf(d)).toEqual({ year, quarter }));

  it('puts every date inside the quarter it names', () => {
    fc.assert(
      fc.property(isoDates, (d) => {
        const { year, quarter } = quarterOf(d);
        const { start, end } = financialQuarter(year, quarter);
        return start <= d && d <= end;
      }),
    );
  });
});

describe('previousQuarter', () => {
  it.each([
    [2025, 1, 2024, 4],
    [2025, 2, 2025, 1],
    [2025, 3, 2025, 2],
    [2025, 4, 2025, 3],
  ] as const)('before %i/Q%i comes %i/Q%i', (year, quarter, prevYear, prevQuarter) =>
    expect(previousQuarter(year, quarter)).toEqual({ year: prevYear, quarter: prevQuarter }),
  );

  it("ends the day before the quarter's start", () => {
    const previous = previousQuarter(2025, 1);
    expect(financialQuarter(previous.year, previous.quarter).end).toBe('2025-03-31');
  });
});
