import { startOfDayUtc } from './named-access-log.service';
import { withPrivacyLine } from '../notifications/message-words';

describe('the access log counts days in the tracker’s time zone', () => {
  it('starts a winter day in London at midnight UTC', () => {
    expect(startOfDayUtc('2026-01-15', 'Europe/London').toISOString()).toBe('2026-01-15T00:00:00.000Z');
  });

  it('starts a summer day in London at 11pm UTC the day before', () => {
    expect(startOfDayUtc('2026-07-01', 'Europe/London').toISOString()).toBe('2026-06-30T23:00:00.000Z');
  });

  it('starts the days the clocks change at their own midnight', () => {
    expect(startOfDayUtc('2026-03-29', 'Europe/London').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(startOfDayUtc('2026-10-25', 'Europe/London').toISOString()).toBe('2026-10-24T23:00:00.000Z');
  });
});

describe('every message ends with where the privacy information is', () => {
  it('adds the line once, after the body', () => {
    const once = withPrivacyLine('Dear Ann,\n\nYour place is booked.\n', 'https://prevent.example');
    expect(once).toBe('Dear Ann,\n\nYour place is booked.\n\nHow we use your personal data: https://prevent.example/privacy\n');
    expect(withPrivacyLine(once, 'https://prevent.example')).toBe(once);
  });
});
