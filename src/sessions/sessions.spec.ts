import { average } from './feedback.service';
import { closedReason } from './register.service';
import { formatLocal } from './session-times';
import { splitRefs } from './dto/session-form.dto';

describe('average (feedback summary)', () => {
  it('is empty when nobody answered, not 0', () => expect(average([null, null])).toBeNull());
  it('leaves out unanswered questions', () => expect(average([4, null, 5])).toBe(4.5));
  it('rounds to one decimal place, halves up, without float error', () => {
    expect(average([4, 4, 5])).toBe(4.3);
    expect(average([1, 2, 2])).toBe(1.7);
    // 89 / 20 = 4.45 exactly, which floating point holds as a shade under: it must still round up.
    expect(average([...Array(9).fill(5), ...Array(11).fill(4)])).toBe(4.5);
  });
});

describe('closedReason (when the register can be taken)', () => {
  const on = (status: 'scheduled' | 'delivered' | 'cancelled', startsAt: string) => closedReason({ status, startsAt }, '2026-03-03');
  it('opens on the day of the session', () => expect(on('scheduled', '2026-03-03T18:00')).toBeNull());
  it('stays open afterwards, for late registers and corrections', () => {
    expect(on('scheduled', '2026-02-01T09:00')).toBeNull();
    expect(on('delivered', '2026-02-01T09:00')).toBeNull();
  });
  it('is closed before the day, saying when it opens', () => expect(on('scheduled', '2026-03-04T09:00')).toBe('The register opens on the day of the session, 4 March 2026'));
  it('is closed for a cancelled session', () => expect(on('cancelled', '2026-03-01T09:00')).toContain('cancelled'));
});

describe('splitRefs (references typed into a box)', () => {
  it('splits on commas, spaces and new lines, dropping blanks and repeats', () =>
    expect(splitRefs(' E1, E2\nE3;E1  ,, ')).toEqual(['E1', 'E2', 'E3']));
  it('gives nothing for a missing field', () => expect(splitRefs(undefined)).toEqual([]));
});

describe('formatLocal', () => {
  it('reads a session time as a person would', () => expect(formatLocal('2026-12-07T12:30')).toBe('12:30 on 7 December 2026'));
});
