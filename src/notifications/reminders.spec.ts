import { loadConfig } from '../config/app-config';
import type { FrameworkLevel } from '../compliance/framework';
import type { Assessment } from '../compliance/rules';
import { reminderKey, reminderOffsets, remindersFor } from './reminders';

const levels: FrameworkLevel[] = [
  { id: 1, code: 'L1', name: 'Prevent awareness e-learning', rank: 1, validityMonths: 36 },
  { id: 2, code: 'L2', name: 'WRAP', rank: 2, validityMonths: 36 },
];
const at = (status: Assessment['status'], dueOn: string | null, level = 'L2'): Assessment => ({ level, status, dueOn, lastCompletion: null });
const today = '2026-03-01';

describe('which reminders a person is due, from the rules’ assessments', () => {
  it('reminds at the nearest offset at or above the days left, never before the furthest one', () => {
    const offsets = reminderOffsets('60,14');
    expect(remindersFor([null, at('compliant', '2026-05-01')], levels, today, offsets)).toEqual([]); // 61 days
    expect(remindersFor([null, at('compliant', '2026-04-30')], levels, today, offsets).map((e) => [e.kind, e.offset])).toEqual([['due', 60]]);
    expect(remindersFor([null, at('expiring', '2026-03-15')], levels, today, offsets).map((e) => [e.kind, e.offset])).toEqual([['due', 14]]);
    expect(remindersFor([null, at('expiring', '2026-03-02')], levels, today, offsets).map((e) => e.offset)).toEqual([14]);
  });

  it('tells of a level that ran out, one never done after the grace period, and a new starter’s due date', () => {
    const kinds = (a: Assessment) => remindersFor([null, a], levels, today, [60, 14]).map((e) => [e.kind, e.dueOn, e.offset]);
    expect(kinds(at('expired', '2026-03-01'))).toEqual([['lapsed', '2026-03-01', 0]]);
    expect(kinds(at('missing', '2025-12-01'))).toEqual([['missing', '2025-12-01', 0]]);
    expect(kinds(at('pending', '2026-05-30'))).toEqual([['new-starter', '2026-05-30', 0]]);
    expect(kinds(at('compliant', null))).toEqual([]); // a level that never runs out
  });

  it('names only the highest level when lower ones are due the same day, and keeps different days apart', () => {
    const same = remindersFor([at('missing', '2025-12-01', 'L1'), at('missing', '2025-12-01')], levels, today, [60, 14]);
    expect(same.map((e) => [e.level.code, e.alsoCovers.map((l) => l.code)])).toEqual([['L2', ['L1']]]);
    const apart = remindersFor([at('expiring', '2026-03-10', 'L1'), at('missing', '2025-12-01')], levels, today, [60, 14]);
    expect(apart.map((e) => [e.kind, e.level.code])).toEqual([['due', 'L1'], ['missing', 'L2']]);
  });

  it('keys a reminder by person, level, due date and offset', () => {
    const [e] = remindersFor([null, at('expiring', '2026-03-15')], levels, today, [60, 14]);
    expect(reminderKey(7, e)).toBe('reminder:due:7:L2:2026-03-15:14');
  });

  it('reads REMINDER_DAYS as whole days and refuses anything else', () => {
    expect(reminderOffsets(' 14, 60 ,60')).toEqual([14, 60]);
    expect(loadConfig({ REMINDER_DAYS: '90,30,7' }).REMINDER_DAYS).toBe('90,30,7');
    expect(() => loadConfig({ REMINDER_DAYS: '60 days' })).toThrow(/REMINDER_DAYS must be whole numbers of days/);
  });
});
