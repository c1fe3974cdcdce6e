import fc from 'fast-check';
import {
  addStatus,
  assess,
  Assessment,
  CompletionFact,
  compliancePct,
  emptyCounts,
  inScope,
  isValidOn,
  lapsesOn,
  LevelFact,
  meets,
  PersonFact,
  requirementOf,
  RequirementFact,
  Status,
  STATUSES,
  withPct,
} from './rules';

// The framework with a common setting: every level needs a refresher after 36 months.
const L1: LevelFact = { code: 'L1', rank: 1, validityMonths: 36 };
const L2: LevelFact = { code: 'L2', rank: 2, validityMonths: 36 };
const L3: LevelFact = { code: 'L3', rank: 3, validityMonths: 36 };
const LEVELS = [L1, L2, L3];

// Organisation tree: partnership 1 > council 10 > children's services 100 > team 1000; school 20.
const PARTNERSHIP = 1;
const COUNCIL = 10;
const CHILDRENS_SERVICES = 100;
const SCHOOL = 20;

function person(overrides: Partial<PersonFact> = {}): PersonFact {
  return {
    startDate: '2020-01-01',
    endDate: null,
    roleCodes: ['all-staff'],
    organisationPath: [PARTNERSHIP, COUNCIL, CHILDRENS_SERVICES],
    ...overrides,
  };
}

function requirement(overrides: Partial<RequirementFact> = {}): RequirementFact {
  return { roleCode: 'all-staff', levelRank: 1, organisationId: null, graceDays: 90, ...overrides };
}

function done(level: LevelFact, completedOn: string): CompletionFact {
  return { levelRank: level.rank, completedOn };
}

const ALL_STAFF_NEED_L1 = [requirement()];

function statusOf(p: PersonFact, cs: CompletionFact[], level: LevelFact, d: string, windowDays?: number): Status {
  const assessment = assess(p, cs, level, LEVELS, ALL_STAFF_NEED_L1, d, windowDays);
  if (!assessment) throw new Error('expected the level to be required');
  return assessment.status;
}

describe('STATUSES', () => {
  it('lists the statuses in report order', () => {
    expect(STATUSES).toEqual(['compliant', 'expiring', 'pending', 'expired', 'missing']);
  });
});

describe('Rule 1: a person is in scope on D when started on or before D and not left before D', () => {
  const p = person({ startDate: '2025-03-01', endDate: '2025-09-30' });

  it('is not in scope the day before the start date', () => expect(inScope(p, '2025-02-28')).toBe(false));
  it('is in scope on the start date', () => expect(inScope(p, '2025-03-01')).toBe(true));
  it('is in scope between start and end', () => expect(inScope(p, '2025-06-15')).toBe(true));
  it('is still in scope on the end date', () => expect(inScope(p, '2025-09-30')).toBe(true));
  it('is a leaver, out of scope, the day after the end date', () => expect(inScope(p, '2025-10-01')).toBe(false));

  it('stays in scope with no end date', () => {
    expect(inScope(person({ startDate: '2025-03-01', endDate: null }), '2099-12-31')).toBe(true);
  });

  it('treats a start and end on the same day as in scope for that day only', () => {
    const dayOnly = person({ startDate: '2025-03-01', endDate: '2025-03-01' });
    expect(inScope(dayOnly, '2025-02-28')).toBe(false);
    expect(inScope(dayOnly, '2025-03-01')).toBe(true);
    expect(inScope(dayOnly, '2025-03-02')).toBe(false);
  });
});

describe('Rule 2: a person requires a level when an applicable requirement is at that rank or higher', () => {
  const d = '2025-06-01';

  it('requires L1 through a requirement for the role at L1', () => {
    expect(requirementOf(person(), L1, [requirement()], d)).toEqual({ required: true, graceDays: 90 });
  });

  it('does not require a level for a role the person does not hold', () => {
    const reqs = [requirement({ roleCode: 'school-governor', levelRank: 2 })];
    expect(requirementOf(person(), L1, reqs, d)).toEqual({ required: false });
  });

  it('applies when any one of the person’s roles matches', () => {
    const p = person({ roleCodes: ['all-staff', 'dsl'] });
    const reqs = [requirement({ roleCode: 'dsl', levelRank: 3, graceDays: 30 })];
    expect(requirementOf(p, L3, reqs, d)).toEqual({ required: true, graceDays: 30 });
  });

  describe('levels are cumulative', () => {
    const needsL2 = [requirement({ levelRank: 2 })];

    it('a requirement at L2 also requires L1', () => {
      expect(requirementOf(person(), L1, needsL2, d)).toEqual({ required: true, graceDays: 90 });
    });
    it('a requirement at L2 requires L2', () => {
      expect(requirementOf(person(), L2, needsL2, d)).toEqual({ required: true, graceDays: 90 });
    });
    it('a requirement at L2 does not require L3', () => {
      expect(requirementOf(person(), L3, needsL2, d)).toEqual({ required: false });
    });
  });

  describe('a requirement scoped to an organisation applies only inside its subtree', () => {
    const inChildrensServices = [requirement({ levelRank: 2, organisationId: CHILDRENS_SERVICES })];

    it('applies to someone in that organisation itself', () => {
      expect(requirementOf(person(), L2, inChildrensServices, d).required).toBe(true);
    });
    it('applies to someone in a team below it', () => {
      const teamMember = person({ organisationPath: [PARTNERSHIP, COUNCIL, CHILDRENS_SERVICES, 1000] });
      expect(requirementOf(teamMember, L2, inChildrensServices, d).required).toBe(true);
    });
    it('does not apply to someone above it', () => {
      const councilOfficer = person({ organisationPath: [PARTNERSHIP, COUNCIL] });
      expect(requirementOf(councilOfficer, L2, inChildrensServices, d).required).toBe(false);
    });
    it('does not apply to someone in a sibling organisation', () => {
      const teacher = person({ organisationPath: [PARTNERSHIP, SCHOOL] });
      expect(requirementOf(teacher, L2, inChildrensServices, d).required).toBe(false);
    });
    it('a scoped requirement for another role does not apply inside the subtree', () => {
      const reqs = [requirement({ roleCode: 'dsl', levelRank: 2, organisationId: CHILDRENS_SERVICES })];
      expect(requirementOf(person(), L2, reqs, d).required).toBe(false);
    });
  });

  describe('the grace period is the shortest among the requirements for the level', () => {
    it('shortest grace wins across roles', () => {
      const p = person({ roleCodes: ['all-staff', 'frontline'] });
      const reqs = [requirement({ graceDays: 90 }), requirement({ roleCode: 'frontline', graceDays: 30 })];
      expect(requirementOf(p, L1, reqs, d)).toEqual({ required: true, graceDays: 30 });
    });

    it('a higher-level requirement with a shorter grace sets the grace for a lower level', () => {
      const reqs = [requirement({ levelRank: 1, graceDays: 90 }), requirement({ levelRank: 2, graceDays: 14 })];
      expect(requirementOf(person(), L1, reqs, d)).toEqual({ required: true, graceDays: 14 });
      expect(requirementOf(person(), L2, reqs, d)).toEqual({ required: true, graceDays: 14 });
    });

    it('a lower-level requirement does not shorten the grace of a higher level', () => {
      const reqs = [requirement({ levelRank: 1, graceDays: 7 }), requirement({ levelRank: 2, graceDays: 60 })];
      expect(requirementOf(person(), L2, reqs, d)).toEqual({ required: true, graceDays: 60 });
    });

    it('ignores the grace of requirements that do not apply to the person', () => {
      const reqs = [requirement({ graceDays: 90 }), requirement({ graceDays: 0, organisationId: SCHOOL })];
      expect(requirementOf(person(), L1, reqs, d)).toEqual({ required: true, graceDays: 90 });
    });

    it('a requirement with no grace gives 0 days', () => {
      const reqs = [requirement({ graceDays: 0 }), requirement({ graceDays: 90 })];
      expect(requirementOf(person(), L1, reqs, d)).toEqual({ required: true, graceDays: 0 });
    });
  });

  describe('only people in scope require anything', () => {
    const leaver = person({ endDate: '2025-05-31' });

    it('a leaver requires nothing after their end date', () => {
      expect(requirementOf(leaver, L1, ALL_STAFF_NEED_L1, '2025-06-01')).toEqual({ required: false });
    });
    it('a leaver still requires the level on their end date', () => {
      expect(requirementOf(leaver, L1, ALL_STAFF_NEED_L1, '2025-05-31').required).toBe(true);
    });
    it('a future starter requires nothing before their start date', () => {
      const starter = person({ startDate: '2025-06-02' });
      expect(requirementOf(starter, L1, ALL_STAFF_NEED_L1, '2025-06-01')).toEqual({ required: false });
      expect(requirementOf(starter, L1, ALL_STAFF_NEED_L1, '2025-06-02').required).toBe(true);
    });
  });

  it('requires nothing with no requirements at all', () => {
    expect(requirementOf(person(), L1, [], d)).toEqual({ required: false });
  });
});

describe('Rule 3: a completion is valid from its date until its validity period has run', () => {
  describe('lapsesOn', () => {
    it('lapses the given number of calendar months later', () => {
      expect(lapsesOn(done(L1, '2022-06-15'), LEVELS)).toBe('2025-06-15');
    });
    it('clamps 31 January + 1 month to the end of February', () => {
      const monthly: LevelFact = { code: 'M', rank: 1, validityMonths: 1 };
      expect(lapsesOn(done(monthly, '2025-01-31'), [monthly])).toBe('2025-02-28');
      expect(lapsesOn(done(monthly, '2024-01-31'), [monthly])).toBe('2024-02-29');
    });
    it('clamps a leap day to 28 February in a common year', () => {
      expect(lapsesOn(done(L1, '2024-02-29'), LEVELS)).toBe('2027-02-28');
    });
    it('keeps a leap day when the lapse year is a leap year too', () => {
      const fourYearly: LevelFact = { code: 'F', rank: 1, validityMonths: 48 };
      expect(lapsesOn(done(fourYearly, '2024-02-29'), [fourYearly])).toBe('2028-02-29');
    });
    it('never lapses when the level never expires', () => {
      const forever: LevelFact = { code: 'L3', rank: 3, validityMonths: null };
      expect(lapsesOn(done(forever, '2001-01-01'), [L1, L2, forever])).toBeNull();
    });
    it('uses the validity period of the completion’s own level', () => {
      const levels: LevelFact[] = [
        { code: 'L1', rank: 1, validityMonths: 12 },
        { code: 'L2', rank: 2, validityMonths: 24 },
      ];
      expect(lapsesOn({ levelRank: 1, completedOn: '2025-01-01' }, levels)).toBe('2026-01-01');
      expect(lapsesOn({ levelRank: 2, completedOn: '2025-01-01' }, levels)).toBe('2027-01-01');
    });
    it('refuses a completion at a level that does not exist', () => {
      expect(() => lapsesOn({ levelRank: 9, completedOn: '2025-01-01' }, LEVELS)).toThrow('no level has rank 9');
    });
  });

  describe('isValidOn', () => {
    const c = done(L1, '2022-06-15');

    it('is not valid before it was completed', () => expect(isValidOn(c, LEVELS, '2022-06-14')).toBe(false));
    it('is valid on the day it was completed', () => expect(isValidOn(c, LEVELS, '2022-06-15')).toBe(true));
    it('is valid on the day before it lapses', () => expect(isValidOn(c, LEVELS, '2025-06-14')).toBe(true));
    it('is not valid on the day it lapses', () => expect(isValidOn(c, LEVELS, '2025-06-15')).toBe(false));

    it('lapses on 28 February after a 31 January completion with a 1-month validity', () => {
      const monthly: LevelFact = { code: 'M', rank: 1, validityMonths: 1 };
      const january = done(monthly, '2025-01-31');
      expect(isValidOn(january, [monthly], '2025-02-27')).toBe(true);
      expect(isValidOn(january, [monthly], '2025-02-28')).toBe(false);
    });

    it('lapses on 28 February after a leap-day completion', () => {
      const leapDay = done(L1, '2024-02-29');
      expect(isValidOn(leapDay, LEVELS, '2027-02-27')).toBe(true);
      expect(isValidOn(leapDay, LEVELS, '2027-02-28')).toBe(false);
    });

    it('stays valid for ever when the level never expires', () => {
      const forever: LevelFact = { code: 'L1', rank: 1, validityMonths: null };
      expect(isValidOn(done(forever, '2001-01-01'), [forever], '2099-12-31')).toBe(true);
      expect(isValidOn(done(forever, '2001-01-01'), [forever], '2000-12-31')).toBe(false);
    });
  });

  describe('meets', () => {
    const d = '2025-06-01';

    it('meets a level with a valid completion at that level', () => {
      expect(meets([done(L2, '2024-01-01')], L2, LEVELS, d)).toBe(true);
    });
    it('meets a lower level with a valid completion at a higher level', () => {
      expect(meets([done(L3, '2024-01-01')], L1, LEVELS, d)).toBe(true);
      expect(meets([done(L3, '2024-01-01')], L2, LEVELS, d)).toBe(true);
    });
    it('does not meet a higher level with a completion at a lower level', () => {
      expect(meets([done(L1, '2024-01-01')], L2, LEVELS, d)).toBe(false);
      expect(meets([done(L2, '2024-01-01')], L3, LEVELS, d)).toBe(false);
    });
    it('does not meet a level with only lapsed completions', () => {
      expect(meets([done(L1, '2020-01-01'), done(L2, '2021-01-01')], L1, LEVELS, d)).toBe(false);
    });
    it('meets a level when any one completion is valid', () => {
      expect(meets([done(L1, '2020-01-01'), done(L1, '2024-01-01')], L1, LEVELS, d)).toBe(true);
    });
    it('does not meet a level with a completion dated after D', () => {
      expect(meets([done(L1, '2025-06-02')], L1, LEVELS, d)).toBe(false);
    });
    it('does not meet a level with no completions', () => expect(meets([], L1, LEVELS, d)).toBe(false));

    it('the higher level’s own validity decides how long it satisfies a lower level', () => {
      const levels: LevelFact[] = [
        { code: 'L1', rank: 1, validityMonths: 12 },
        { code: 'L2', rank: 2, validityMonths: null },
      ];
      expect(meets([{ levelRank: 2, completedOn: '2010-01-01' }], levels[0], levels, d)).toBe(true);
    });
  });
});

describe('Rule 4: the status of a person for a required level on D', () => {
  // Started long ago, 90 days' grace, 36-month validity, 90-day look-ahead window.
  const p = person();
  const d = '2025-06-01';

  describe('compliant: meets L on D and on D + W', () => {
    it('is compliant with a recent completion', () => {
      expect(statusOf(p, [done(L1, '2025-01-01')], L1, d)).toBe('compliant');
    });
    it('is compliant through a higher level', () => {
      expect(statusOf(p, [done(L3, '2025-01-01')], L1, d)).toBe('compliant');
    });
    it('is compliant for ever at a level that never expires', () => {
      const forever: LevelFact = { code: 'L1', rank: 1, validityMonths: null };
      const assessment = assess(p, [done(forever, '2001-01-01')], forever, [forever], ALL_STAFF_NEED_L1, d);
      expect(assessment).toMatchObject({ status: 'compliant', dueOn: null });
    });
  });

  describe('expiring: meets L on D but not on D + W', () => {
    it('is expiring when the completion lapses inside the window', () => {
      expect(statusOf(p, [done(L1, '2022-07-01')], L1, d)).toBe('expiring');
    });
    it('is expiring when it lapses on exactly D + W (not valid on the lapse day)', () => {
      // D + 90 days = 2025-08-30, and 2022-08-30 + 36 months = 2025-08-30.
      expect(statusOf(p, [done(L1, '2022-08-30')], L1, d)).toBe('expiring');
    });
    it('is compliant when it lapses the day after D + W', () => {
      expect(statusOf(p, [done(L1, '2022-08-31')], L1, d)).toBe('compliant');
    });
    it('is expiring when it lapses the day after D', () => {
      expect(statusOf(p, [done(L1, '2022-06-02')], L1, d)).toBe('expiring');
    });
    it('uses the window given', () => {
      const c = [done(L1, '2022-07-01')];
      // It lapses on 2025-07-01, 30 days after D.
      expect(statusOf(p, c, L1, d, 0)).toBe('compliant');
      expect(statusOf(p, c, L1, d, 29)).toBe('compliant');
      expect(statusOf(p, c, L1, d, 30)).toBe('expiring');
    });
    it('a refresher dated after D does not stop it expiring on D', () => {
      const cs = [done(L1, '2022-07-01'), done(L1, '2025-06-10')];
      expect(statusOf(p, cs, L1, d)).toBe('expiring');
    });
    it('an older lapsing completion does not make it expiring when a newer one covers the window', () => {
      const cs = [done(L1, '2022-07-01'), done(L1, '2025-01-01')];
      expect(statusOf(p, cs, L1, d)).toBe('compliant');
    });
  });

  describe('pending: does not meet L and D < start date + grace', () => {
    const starter = person({ startDate: '2025-05-01' }); // 90 days' grace: due 2025-07-30

    it('is pending on the start date', () => expect(statusOf(starter, [], L1, '2025-05-01')).toBe('pending'));
    it('is pending on the day before the grace ends', () => {
      expect(statusOf(starter, [], L1, '2025-07-29')).toBe('pending');
    });
    it('is missing on the day the grace ends', () => expect(statusOf(starter, [], L1, '2025-07-30')).toBe('missing'));

    it('is never pending with no grace', () => {
      const reqs = [requirement({ graceDays: 0 })];
      expect(assess(starter, [], L1, LEVELS, reqs, '2025-05-01')?.status).toBe('missing');
    });

    it('uses the shortest grace among the requirements', () => {
      const frontline = person({ startDate: '2025-05-01', roleCodes: ['all-staff', 'frontline'] });
      const reqs = [requirement({ graceDays: 90 }), requirement({ roleCode: 'frontline', graceDays: 30 })];
      expect(assess(frontline, [], L1, LEVELS, reqs, '2025-05-30')?.status).toBe('pending');
      expect(assess(frontline, [], L1, LEVELS, reqs, '2025-05-31')?.status).toBe('missing');
    });

    it('a new starter with a lapsed completion from a previous job is pending, not expired', () => {
      expect(statusOf(starter, [done(L1, '2019-01-01')], L1, '2025-06-01')).toBe('pending');
    });

    it('a new starter who has already completed the level is compliant, not pending', () => {
      expect(statusOf(starter, [done(L1, '2025-05-10')], L1, '2025-06-01')).toBe('compliant');
    });
  });

  describe('expired: does not meet L, grace over, and holds a lapsed completion at rank >= r', () => {
    it('is expired on the day the completion lapses', () => {
      expect(statusOf(p, [done(L1, '2022-06-01')], L1, d)).toBe('expired');
    });
    it('is expiring the day before', () => {
      expect(statusOf(p, [done(L1, '2022-06-01')], L1, '2025-05-31')).toBe('expiring');
    });
    it('is expired when a lapsed higher-level completion was all there was', () => {
      expect(statusOf(p, [done(L3, '2020-01-01')], L1, d)).toBe('expired');
    });
    it('is expired, not compliant, when a refresher is dated after D', () => {
      expect(statusOf(p, [done(L1, '2021-01-01'), done(L1, '2025-06-02')], L1, d)).toBe('expired');
    });
  });

  describe('missing: does not meet L, grace over, and no completion at rank >= r on or before D', () => {
    it('is missing with no completions', () => expect(statusOf(p, [], L1, d)).toBe('missing'));

    it('is missing when the only completion is at a lower level', () => {
      const reqs = [requirement({ levelRank: 2 })];
      expect(assess(p, [done(L1, '2025-01-01')], L2, LEVELS, reqs, d)?.status).toBe('missing');
    });

    it('is missing when the only completion is dated after D', () => {
      expect(statusOf(p, [done(L1, '2025-06-02')], L1, d)).toBe('missing');
    });

    it('a lower level does not satisfy a higher one even when the lower is valid', () => {
      const reqs = [requirement({ levelRank: 3 })];
      const cs = [done(L1, '2025-01-01'), done(L2, '2025-01-01')];
      expect(assess(p, cs, L3, LEVELS, reqs, d)?.status).toBe('missing');
      expect(assess(p, cs, L2, LEVELS, reqs, d)?.status).toBe('compliant');
      expect(assess(p, cs, L1, LEVELS, reqs, d)?.status).toBe('compliant');
    });
  });

  describe('not required: no assessment', () => {
    it('is null for a level nobody requires of the person', () => {
      expect(assess(p, [], L2, LEVELS, ALL_STAFF_NEED_L1, d)).toBeNull();
    });
    it('is null for a leaver after their end date', () => {
      const leaver = person({ endDate: '2025-05-31' });
      expect(assess(leaver, [], L1, LEVELS, ALL_STAFF_NEED_L1, '2025-06-01')).toBeNull();
    });
    it('assesses a leaver on their end date', () => {
      const leaver = person({ endDate: '2025-06-01' });
      expect(assess(leaver, [], L1, LEVELS, ALL_STAFF_NEED_L1, '2025-06-01')?.status).toBe('missing');
    });
    it('is null before the start date', () => {
      expect(assess(person({ startDate: '2025-06-02' }), [], L1, LEVELS, ALL_STAFF_NEED_L1, d)).toBeNull();
    });
    it('is null outside the subtree of a scoped requirement, and assessed inside it', () => {
      const reqs = [requirement({ levelRank: 2, organisationId: CHILDRENS_SERVICES })];
      const teacher = person({ organisationPath: [PARTNERSHIP, SCHOOL] });
      expect(assess(teacher, [], L2, LEVELS, reqs, d)).toBeNull();
      expect(assess(person(), [], L2, LEVELS, reqs, d)?.status).toBe('missing');
    });
  });

  describe('dueOn and lastCompletion', () => {
    function assessL1(who: PersonFact, cs: CompletionFact[], on = d): Assessment {
      const assessment = assess(who, cs, L1, LEVELS, ALL_STAFF_NEED_L1, on);
      if (!assessment) throw new Error('expected the level to be required');
      return assessment;
    }

    it('names the level assessed', () => expect(assessL1(p, []).level).toBe('L1'));

    it('compliant: due when the completion lapses', () => {
      const c = done(L1, '2025-01-01');
      expect(assessL1(p, [c])).toEqual({ level: 'L1', status: 'compliant', dueOn: '2028-01-01', lastCompletion: c });
    });

    it('compliant: due when the last of several valid completions lapses', () => {
      const older = done(L2, '2024-01-01');
      const newer = done(L1, '2025-02-01');
      expect(assessL1(p, [newer, older])).toMatchObject({ dueOn: '2028-02-01', lastCompletion: newer });
    });

    it('compliant: a higher level with a longer validity keeps them compliant longer', () => {
      const levels: LevelFact[] = [
        { code: 'L1', rank: 1, validityMonths: 12 },
        { code: 'L2', rank: 2, validityMonths: 36 },
      ];
      const cs = [{ levelRank: 2, completedOn: '2024-01-01' }, { levelRank: 1, completedOn: '2025-01-01' }];
      const assessment = assess(p, cs, levels[0], levels, ALL_STAFF_NEED_L1, d);
      expect(assessment).toMatchObject({ status: 'compliant', dueOn: '2027-01-01' });
      expect(assessment?.lastCompletion).toEqual({ levelRank: 1, completedOn: '2025-01-01' });
    });

    it('compliant: never due when any valid completion never lapses', () => {
      const levels: LevelFact[] = [
        { code: 'L1', rank: 1, validityMonths: 36 },
        { code: 'L3', rank: 3, validityMonths: null },
      ];
      const cs = [{ levelRank: 3, completedOn: '2010-01-01' }, { levelRank: 1, completedOn: '2025-01-01' }];
      expect(assess(p, cs, levels[0], levels, ALL_STAFF_NEED_L1, d)).toMatchObject({
        status: 'compliant',
        dueOn: null,
      });
    });

    it('expiring: due on the day the completion lapses', () => {
      expect(assessL1(p, [done(L1, '2022-07-01')])).toMatchObject({ status: 'expiring', dueOn: '2025-07-01' });
    });

    it('expiring: a lapsed completion does not count towards the due date', () => {
      const cs = [done(L1, '2019-01-01'), done(L1, '2022-07-01')];
      expect(assessL1(p, cs)).toMatchObject({ status: 'expiring', dueOn: '2025-07-01' });
    });

    it('pending: due at the end of the grace period', () => {
      const starter = person({ startDate: '2025-05-01' });
      expect(assessL1(starter, [])).toEqual({ level: 'L1', status: 'pending', dueOn: '2025-07-30', lastCompletion: null });
    });

    it('expired: due on the day the latest completion lapsed', () => {
      const last = done(L1, '2021-03-01');
      expect(assessL1(p, [done(L1, '2018-01-01'), last])).toEqual({
        level: 'L1',
        status: 'expired',
        dueOn: '2024-03-01',
        lastCompletion: last,
      });
    });

    it('missing: due at the end of the grace period, long past', () => {
      expect(assessL1(p, [])).toEqual({ level: 'L1', status: 'missing', dueOn: '2020-03-31', lastCompletion: null });
    });

    it('lastCompletion ignores completions dated after D and below the level', () => {
      const onD = done(L2, d);
      const cs = [done(L1, '2025-05-01'), onD, done(L2, '2025-06-02')];
      const reqs = [requirement({ levelRank: 2 })];
      expect(assess(p, cs, L2, LEVELS, reqs, d)?.lastCompletion).toEqual(onD);
    });

    it('lastCompletion prefers the higher level when two are on the same day', () => {
      const cs = [done(L1, '2025-01-01'), done(L3, '2025-01-01'), done(L2, '2025-01-01')];
      expect(assessL1(p, cs).lastCompletion).toEqual(done(L3, '2025-01-01'));
    });
  });

  it('follows one person through the statuses over the years', () => {
    // One person followed day by day: pending, then missing, then compliant, expiring, expired.
    const starter = person({ startDate: '2020-01-01' });
    const cs = [done(L1, '2020-06-01')];
    const seen = new Map<string, Status>();
    for (const on of ['2020-01-01', '2020-03-30', '2020-03-31', '2020-06-01', '2023-03-03', '2023-03-02', '2023-06-01']) {
      seen.set(on, statusOf(starter, cs, L1, on));
    }
    expect(Object.fromEntries(seen)).toEqual({
      '2020-01-01': 'pending',
      '2020-03-30': 'pending',
      '2020-03-31': 'missing',
      '2020-06-01': 'compliant',
      '2023-03-02': 'compliant',
      '2023-03-03': 'expiring',
      '2023-06-01': 'expired',
    });
  });
});

describe('Rule 5: counts and the compliance percentage', () => {
  function countsOf(statuses: Status[]) {
    const c = emptyCounts();
    statuses.forEach((s) => addStatus(c, s));
    return withPct(c);
  }

  it('starts empty, with no percentage', () => {
    expect(emptyCounts()).toEqual({
      required: 0,
      met: 0,
      compliant: 0,
      expiring: 0,
      pending: 0,
      expired: 0,
      missing: 0,
      overdue: 0,
      compliancePct: null,
    });
  });

  it('gives a fresh object each time', () => {
    const a = emptyCounts();
    addStatus(a, 'compliant');
    expect(emptyCounts().compliant).toBe(0);
  });

  it('counts everyone required, met = compliant + expiring, overdue = expired + missing', () => {
    const c = countsOf(['compliant', 'compliant', 'expiring', 'pending', 'expired', 'missing', 'missing']);
    expect(c).toEqual({
      required: 7,
      met: 3,
      compliant: 2,
      expiring: 1,
      pending: 1,
      expired: 1,
      missing: 2,
      overdue: 3,
      compliancePct: 50,
    });
  });

  it('leaves pending people out of the percentage', () => {
    expect(countsOf(['compliant', 'pending', 'pending', 'pending']).compliancePct).toBe(100);
    expect(countsOf(['missing', 'pending']).compliancePct).toBe(0);
  });

  it('has no percentage when nobody is due, not 0 or 100', () => {
    expect(countsOf([]).compliancePct).toBeNull();
    expect(countsOf(['pending', 'pending'])).toMatchObject({ required: 2, compliancePct: null });
  });

  it('withPct fills in the percentage on the counts it is given', () => {
    const c = emptyCounts();
    addStatus(c, 'compliant');
    addStatus(c, 'expired');
    expect(c.compliancePct).toBeNull();
    expect(withPct(c)).toBe(c);
    expect(c.compliancePct).toBe(50);
  });

  describe('compliancePct', () => {
    it.each([
      [2, 1, 66.7],
      [1, 2, 33.3],
      [1, 7, 12.5],
      [1, 15, 6.3], // 6.25 rounds half up
      [3, 5, 37.5],
      [1, 0, 100],
      [0, 1, 0],
      [999, 1, 99.9],
      [1999, 1, 100], // 99.95 rounds up
      [1, 1999, 0.1], // 0.05 rounds up
      [1, 2001, 0], // 0.04995 rounds down
      [844, 156, 84.4],
    ])('met %i, overdue %i gives %p%', (met, overdue, expected) => {
      expect(compliancePct(met, overdue)).toBe(expected);
    });

    it('is null when nobody is due', () => expect(compliancePct(0, 0)).toBeNull());

    it('refuses counts that are not whole numbers of people', () => {
      expect(() => compliancePct(-1, 2)).toThrow(RangeError);
      expect(() => compliancePct(1.5, 2)).toThrow(RangeError);
    });

    it('is the exact value rounded half up to whole tenths', () => {
      fc.assert(
        fc.property(fc.nat(100_000), fc.nat(100_000), (met, overdue) => {
          fc.pre(met + overdue > 0);
          const due = met + overdue;
          const tenths = Math.round((compliancePct(met, overdue) as number) * 10);
          // Half up, checked in integers: tenths - 0.5 <= 1000 x met / due < tenths + 0.5.
          return 2 * tenths * due - due <= 2000 * met && 2000 * met < 2 * tenths * due + due;
        }),
      );
    });
  });
});
