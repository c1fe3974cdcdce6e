import { dateOf, isLocalDateTime, nowLocal, parseTime, timeOf, toUtcMillis } from './session-times';

describe('isLocalDateTime', () => {
  it.each(['2026-03-03T09:30', '2024-02-29T00:00', '2026-12-31T23:59'])('accepts %s', (s) => expect(isLocalDateTime(s)).toBe(true));

  it.each([
    ['an impossible day', '2026-02-30T09:00'],
    ['hour 24', '2026-03-03T24:00'],
    ['minute 60', '2026-03-03T09:60'],
    ['seconds', '2026-03-03T09:30:00'],
    ['a time zone', '2026-03-03T09:30Z'],
    ['a space instead of T', '2026-03-03 09:30'],
    ['a date only', '2026-03-03'],
    ['a number', 20260303],
  ])('rejects %s (%p)', (_why, s) => expect(isLocalDateTime(s)).toBe(false));
});

describe('dateOf and timeOf', () => {
  it('split a session time into its calendar date and its time of day', () => {
    expect(dateOf('2026-03-03T09:30')).toBe('2026-03-03');
    expect(timeOf('2026-03-03T09:30')).toBe('09:30');
  });
});

describe('nowLocal', () => {
  it('gives London summer time an hour ahead of UTC', () =>
    expect(nowLocal('Europe/London', new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01T00:30'));
  it('gives London winter time equal to UTC', () =>
    expect(nowLocal('Europe/London', new Date('2026-01-15T09:05:00Z'))).toBe('2026-01-15T09:05'));
});

describe('toUtcMillis', () => {
  const iso = (t: string) => new Date(toUtcMillis(t)).toISOString();

  it('reads a winter time as UTC', () => expect(iso('2026-01-15T09:30')).toBe('2026-01-15T09:30:00.000Z'));
  it('reads a summer time as an hour before in UTC', () => expect(iso('2026-07-01T09:30')).toBe('2026-07-01T08:30:00.000Z'));
  it('handles the days the clocks change', () => {
    expect(iso('2026-03-29T09:00')).toBe('2026-03-29T08:00:00.000Z');
    expect(iso('2026-10-25T09:00')).toBe('2026-10-25T09:00:00.000Z');
  });
  it('takes summer time in the repeated hour when the clocks go back', () =>
    expect(iso('2026-10-25T01:30')).toBe('2026-10-25T00:30:00.000Z'));
  it('reads a time skipped when the clocks go forward as the clock would show it', () =>
    expect(iso('2026-03-29T01:30')).toBe('2026-03-29T01:30:00.000Z'));
  it('refuses a time that is not written YYYY-MM-DDTHH:MM', () => expect(() => toUtcMillis('2026-03-29')).toThrow(RangeError));
});

describe('parseTime: a time of day as people type it', () => {
  it.each([
    ['9:30am', '09:30'],
    ['9.30 pm', '21:30'],
    ['2pm', '14:00'],
    ['12am', '00:00'],
    ['12:15pm', '12:15'],
    ['14:00', '14:00'],
    ['09:30', '09:30'],
    ['9:30 A.M.', '09:30'],
    ['noon', '12:00'],
  ])('reads %s as %s', (typed, time) => expect(parseTime(typed)).toBe(time));

  it.each([['9'], ['25:00'], ['13pm'], ['9:75'], ['half nine'], ['']])('refuses %p', (typed) => expect(parseTime(typed)).toBeNull());
});
