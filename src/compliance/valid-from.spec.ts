import fc from 'fast-check';
import { addDays } from '../common/dates';
import { isValidOn, LevelFact, validFrom } from './rules';

// validFrom is how the report SQL applies rule 3: it must agree with isValidOn on every date.
const LEVELS: LevelFact[] = [
  { code: 'L1', rank: 1, validityMonths: 36 },
  { code: 'L2', rank: 2, validityMonths: 12 },
  { code: 'L3', rank: 3, validityMonths: 1 },
  { code: 'L4', rank: 4, validityMonths: null },
];

const isoDay = fc.integer({ min: 0, max: 365 * 12 }).map((n) => addDays('2018-01-01', n));
// Month ends, where clamping matters: 28 Feb, 29 Feb 2024, 30 and 31 of each month.
const monthEnd = fc
  .tuple(fc.integer({ min: 2018, max: 2029 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 }))
  .map(([y, m, back]) => addDays(`${y}-${String(m).padStart(2, '0')}-01`, -1 - back));
const date = fc.oneof(isoDay, monthEnd);

describe('validFrom: the first completion date still valid on a day', () => {
  it('agrees with rule 3 for every completion date, level and day', () => {
    fc.assert(
      fc.property(date, date, fc.constantFrom(...LEVELS), (completedOn, d, level) => {
        const from = validFrom(level, d);
        const bySql = completedOn <= d && (from === null || completedOn >= from);
        expect(bySql).toBe(isValidOn({ levelRank: level.rank, completedOn }, LEVELS, d));
      }),
      { numRuns: 5000 },
    );
  });

  it('counts a 31 January completion of a one-month level as valid until 28 February inclusive', () => {
    // 2025-01-31 + 1 month = 2025-02-28, so on 28 Feb it has lapsed; 29-31 Jan completions lapse the same day.
    expect(validFrom(LEVELS[2], '2025-02-27')).toBe('2025-01-28');
    expect(validFrom(LEVELS[2], '2025-02-28')).toBe('2025-02-01');
  });

  it('is null for a level that never expires', () => expect(validFrom(LEVELS[3], '2025-06-01')).toBeNull());
});
