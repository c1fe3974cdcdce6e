import { invalidMappingTargets, matchColumns, normaliseHeader } from './import-columns';

describe('normaliseHeader', () => {
  it('ignores case, spaces, dashes, dots and a byte order mark', () => {
    expect(normaliseHeader('\uFEFF Employee Ref ')).toBe('employee_ref');
    expect(normaliseHeader('FIRST-NAME')).toBe('first_name');
    expect(normaliseHeader('Start.Date')).toBe('start_date');
  });
});

describe('matchColumns', () => {
  it('finds our names and common aliases, and lists the others', () => {
    const match = matchColumns('staff', ['Employee Ref', 'Forename', 'Surname', 'Org', 'Start Date', 'Department', 'Favourite colour'], false);
    expect(match.index).toEqual({ employee_ref: 0, first_name: 1, last_name: 2, start_date: 4, department: 5 });
    expect(match.unrecognised).toEqual(['Org', 'Favourite colour']);
    expect(match.missing).toEqual(['organisation_code or organisation_name']);
  });

  it('reads a column headed Organisation as organisation names, not codes (ESR writes unit names there)', () => {
    expect(matchColumns('staff', ['Organisation'], false).index).toEqual({ organisation_name: 0 });
  });

  it('does not need organisation_code when the import names an organisation', () => {
    expect(matchColumns('staff', ['employee_ref', 'first_name', 'last_name', 'start_date'], true).missing).toEqual([]);
  });

  it('applies the mapping given, then the one remembered, before our names', () => {
    const match = matchColumns('staff', ['Payroll No', 'Org', 'employee_ref'], false, { 'payroll no': 'employee_ref', employee_ref: '' }, { ORG: 'organisation_code' });
    expect(match.index.employee_ref).toBe(0);
    expect(match.index.organisation_code).toBe(1);
    expect(match.recognised.map((r) => r.how)).toEqual(['mapping', 'remembered']);
    expect(match.unrecognised).toEqual(['employee_ref']);
  });

  it('reports a field given by two columns', () => {
    expect(matchColumns('staff', ['employee_ref', 'Employee Number'], false).problems).toEqual([
      { column: 'Employee Number', reason: 'more than one column is employee_ref: keep one, or map the other to nothing' },
    ]);
  });

  it('needs one of employee_ref or email, and one of course_name or level_code, for completions', () => {
    expect(matchColumns('completions', ['email', 'course', 'completed_on'], false).missing).toEqual([]);
    expect(matchColumns('completions', ['name', 'completed_on'], false).missing).toEqual(['employee_ref or email', 'course_name or level_code']);
  });
});

describe('invalidMappingTargets', () => {
  it('names targets that are not fields of the kind of import', () => {
    expect(invalidMappingTargets('completions', { a: 'employee_ref', b: '', c: 'roles' })).toEqual(['roles']);
  });
});
