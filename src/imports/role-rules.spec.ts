import { applyRules, HrFacts, Rule } from './role-rules';

const facts = (over: Partial<HrFacts> = {}): HrFacts => ({
  job_title: 'Senior Social Worker',
  position: null,
  staff_group: 'Allied Health Professionals',
  department: 'Adult Social Care',
  organisationCode: 'WCC-ASC',
  organisationName: 'Adult social care',
  ...over,
});
const ALL = 1;
const FRONTLINE = 2;
const DSL = 3;
const rule = (r: Partial<Rule>): Rule => ({ field: 'job_title', operator: 'contains', value: 'social worker', roleId: FRONTLINE, effect: 'add', ...r });

describe('applyRules', () => {
  it('adds the role of every matching rule, ignoring case and extra spaces', () => {
    const rules = [rule({}), rule({ field: 'organisation', operator: 'starts_with', value: 'wcc', roleId: ALL }), rule({ field: 'staff_group', operator: 'equals', value: 'nursing', roleId: DSL })];
    expect(applyRules(rules, facts({ job_title: '  senior   SOCIAL worker ' }), [])).toEqual({ roles: [FRONTLINE, ALL], ruleGiven: [FRONTLINE, ALL] });
  });

  it('keeps roles set by hand, and remembers only what the rules added on top', () => {
    expect(applyRules([rule({})], facts(), [DSL, FRONTLINE])).toEqual({ roles: [DSL, FRONTLINE], ruleGiven: [] });
  });

  it('drops a role the rules gave once a rule no longer gives it (it is not among the hand-set roles)', () => {
    expect(applyRules([rule({})], facts({ job_title: 'Finance officer' }), [ALL])).toEqual({ roles: [ALL], ruleGiven: [] });
  });

  it('a remove rule takes a role away even when it was set by hand', () => {
    const rules = [rule({ field: 'department', operator: 'equals', value: 'adult social care', roleId: DSL, effect: 'remove' })];
    expect(applyRules(rules, facts(), [DSL, ALL]).roles).toEqual([ALL]);
  });
});
