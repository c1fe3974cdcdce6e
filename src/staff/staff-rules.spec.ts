import { endDateProblem, managerLoopProblem, ownManagerProblem } from './staff-rules';

describe('staff rules', () => {
  it('refuses an end date before the start date, naming both as people write them', () => {
    expect(endDateProblem('2025-04-01', '2025-03-31')).toBe('the end date, 31 March 2025, is before the start date, 1 April 2025');
    expect(endDateProblem('2025-04-01', '2025-04-01')).toBeNull();
    expect(endDateProblem('2025-04-01', null)).toBeNull();
  });

  it('refuses a person as their own manager', () => {
    expect(ownManagerProblem('E1', 'E1')).toBe('a person cannot be their own manager');
    expect(ownManagerProblem('E1', 'E2')).toBeNull();
    expect(ownManagerProblem('E1', null)).toBeNull();
  });

  it('refuses a manager who reports, however far up, to the person', () => {
    expect(managerLoopProblem(7, 'M1', [3, 5, 7, 9])).toBe('M1 reports to this person (directly or through others), so cannot be their manager');
    expect(managerLoopProblem(7, 'E7', [7])).toBe('a person cannot be their own manager');
    expect(managerLoopProblem(7, 'M1', [3, 5])).toBeNull();
    expect(managerLoopProblem(undefined, 'M1', [3])).toBeNull();
  });
});
