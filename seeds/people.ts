/**
 * People and their training histories. Each person who is in scope on asOf gets, for the highest
 * level they need, a target status (mostly compliant, some expiring, expired, missing, and new
 * starters pending), and a history of completions is written backwards from it: e-learning
 * repeated every two to three years, WRAP for those who need it, train the trainer for leads.
 * The first five people needing each level are given the five statuses in turn, so every status
 * occurs at every level whatever the seed or size.
 */
import { Calendar, graceFor, ROLE, topRank } from './framework';
import { FIRST_NAMES, LAST_NAMES } from './names';
import { PartnershipPlan, UnitPlan } from './partnership';
import { Random } from './random';

export const NO_END = 1_000_000;
/** Oldest start date, in days before asOf (15 years). */
export const OLDEST_START = 5478;

export type Target = 'compliant' | 'expiring' | 'expired' | 'none' | 'pending' | 'missing';
const FORCED: Target[] = ['compliant', 'expiring', 'pending', 'expired', 'missing'];

export const SOURCE = { elearning: 0, session: 1, manual: 2, external: 3 } as const;
export const SOURCE_NAMES = ['elearning', 'session', 'manual', 'external'];

/** Everyone, as parallel arrays indexed by person (id = first id + index). */
export class People {
  count = 0;
  unit: number[] = [];
  org: number[] = [];
  employer: number[] = [];
  manager: number[] = [];
  first: string[] = [];
  last: string[] = [];
  ref: string[] = [];
  email: (string | null)[] = [];
  start: number[] = [];
  end: number[] = [];
  roles: number[] = [];
  trainer: boolean[] = [];
  /** Completions of person p are completions[completionStart[p] .. completionStart[p + 1]). */
  completionStart: number[] = [0];
}

export class Completions {
  person: number[] = [];
  rank: number[] = [];
  day: number[] = [];
  source: number[] = [];
  /** Index of the session it was made at, or -1. */
  session: number[] = [];
  get count(): number {
    return this.person.length;
  }
  add(person: number, rank: number, day: number, source: number): void {
    this.person.push(person);
    this.rank.push(rank);
    this.day.push(day);
    this.source.push(source);
    this.session.push(-1);
  }
}

interface Span {
  start: number;
  /** The last day the history may reach: the leaving date, or asOf. */
  limit: number;
}

export function generatePeople(plan: PartnershipPlan, calendar: Calendar, random: Random): { people: People; completions: Completions } {
  const people = new People();
  const completions = new Completions();
  const forced: Target[][] = [[], [...FORCED], [...FORCED], [...FORCED]];
  const refs = new Map<number, number>();
  const emails = new Map<string, number>();

  const nextRef = (employer: number, prefix: string): string => {
    const key = employer * 4 + ['', 'GOV', 'CLLR', 'CL'].indexOf(prefix);
    const n = (refs.get(key) ?? (prefix ? 0 : 100000 + random.int(0, 400) * 1000)) + (prefix ? 1 : random.int(1, 3));
    refs.set(key, n);
    return prefix ? `${prefix}${String(n).padStart(4, '0')}` : String(n);
  };
  const emailFor = (first: string, last: string, domain: string | undefined, prefix = ''): string | null => {
    if (!domain) return null;
    const local = `${prefix}${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    const key = `${local}@${domain}`;
    const seen = emails.get(key) ?? 0;
    emails.set(key, seen + 1);
    return seen === 0 ? key : `${local}${seen + 1}@${domain}`;
  };

  plan.units.forEach((unit, u) => {
    const org = plan.organisations[unit.org];
    const employer = org.employer;
    const domain = plan.organisations[employer].domain ?? org.domain;
    const firstIndex = people.count;
    const employees = unit.people - unit.governors;
    for (let i = 0; i < unit.people; i++) {
      const p = people.count++;
      const governor = i >= employees;
      const inTree = !governor && unit.kind !== 'members' && unit.kind !== 'faith';
      const roles = rolesOf(unit, i, governor, random);
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const trainer = unit.kind === 'prevent';

      people.unit.push(u);
      people.org.push(unit.org);
      people.employer.push(employer);
      people.manager.push(inTree && i > 0 ? firstIndex + Math.floor((i - 1) / 7) : -1);
      people.first.push(first);
      people.last.push(last);
      people.trainer.push(trainer);
      people.roles.push(roles);
      if (governor) {
        people.ref.push(nextRef(employer, 'GOV'));
        people.email.push(random.chance(0.6) ? emailFor(first, last, domain, 'gov.') : null);
      } else if (unit.kind === 'members') {
        people.ref.push(nextRef(employer, 'CLLR'));
        people.email.push(emailFor(first, last, domain, 'cllr.'));
      } else if (unit.kind === 'faith') {
        people.ref.push(nextRef(employer, 'CL'));
        people.email.push(random.chance(0.5) ? emailFor(first, last, 'wdff.org.uk') : null);
      } else {
        people.ref.push(nextRef(employer, ''));
        people.email.push(emailFor(first, last, domain));
      }

      // Start, leaving and the target status on asOf for the highest level the person needs.
      const top = topRank(roles);
      const topGrace = graceFor(roles, top);
      const managesOthers = inTree && 7 * i + 1 < employees;
      let start = trainer ? -random.int(2200, OLDEST_START) : -random.int(0, OLDEST_START);
      let end = NO_END;
      let target: Target;
      const forcedTarget = !trainer && i > 0 && forced[top].length > 0 ? forced[top].shift()! : null;
      if (forcedTarget) {
        target = forcedTarget;
        if (target === 'pending') start = -random.int(0, topGrace - 1);
        else if (target === 'missing') start = -random.int(topGrace, OLDEST_START);
        else if (target !== 'compliant') start = -random.int(1400, OLDEST_START);
      } else if (!trainer && i > 0 && random.chance(0.05)) {
        start = -random.int(0, topGrace - 1);
        target = random.chance(0.5) ? 'compliant' : 'none';
      } else if (!trainer && !managesOthers && start < -30 && random.chance(0.09)) {
        end = -random.int(1, Math.min(-start - 1, 1500));
        target = random.chance(0.85) ? 'compliant' : 'none';
      } else if (trainer) {
        target = 'compliant';
      } else {
        target = ['compliant', 'expiring', 'expired', 'none'][random.weighted([72, 7, 12, 9])] as Target;
      }
      people.start.push(start);
      people.end.push(end);

      const span: Span = { start, limit: end === NO_END ? 0 : end };
      const history = new History(p, span, calendar, completions, random, end !== NO_END);
      if (top === 1) {
        history.level(1, target);
        if (!forcedTarget && target !== 'none' && random.chance(0.12)) history.level(2, randomTarget(random));
      } else if (top === 2) {
        history.level(2, target);
        history.level(1, lowerTarget(random, start, topGrace));
      } else if (top === 3) {
        history.level(3, target, trainer ? [700, 1000] : undefined);
        if (trainer || random.chance(0.8)) history.level(2, trainer ? 'compliant' : randomTarget(random));
        history.level(1, lowerTarget(random, start, topGrace));
      }
      if (trainer && top < 3) history.level(3, 'compliant', [700, 1000]);
      people.completionStart.push(completions.count);
    }
  });
  return { people, completions };
}

function rolesOf(unit: UnitPlan, i: number, governor: boolean, random: Random): number {
  let roles = ROLE.ALL;
  switch (unit.kind) {
    case 'members':
      return roles | ROLE.ELECTED_MEMBER;
    case 'faith':
      return roles | ROLE.COMMUNITY_LEADER;
    case 'school':
      if (governor) return roles | ROLE.GOVERNOR;
      if (i === 1 || (i === 0 && unit.people < 2)) return roles | ROLE.DSL | (unit.holdsLead ? ROLE.PREVENT_LEAD : 0);
      if (i === 2 && unit.people - unit.governors > 60) return roles | ROLE.DSL;
      break;
    case 'nursery':
      if (i === 0) return roles | ROLE.DSL | ROLE.PREVENT_LEAD;
      break;
    case 'safeguarding':
      if (random.chance(0.3)) roles |= ROLE.DSL;
      break;
    case 'volunteers':
      if (random.chance(0.3)) roles |= ROLE.COMMUNITY_LEADER;
      break;
    case 'prevent':
      roles |= ROLE.FRONTLINE;
      break;
  }
  if (unit.holdsLead && i === 0) roles |= ROLE.PREVENT_LEAD;
  if (random.chance(unit.frontline)) roles |= ROLE.FRONTLINE;
  return roles;
}

function randomTarget(random: Random): Target {
  return (['compliant', 'expiring', 'expired', 'none'] as Target[])[random.weighted([55, 5, 30, 10])];
}

/** E-learning for people whose WRAP or train-the-trainer also covers level 1. */
function lowerTarget(random: Random, start: number, topGrace: number): Target {
  if (start > -topGrace) return random.chance(0.8) ? 'compliant' : 'none';
  return (['compliant', 'expiring', 'expired', 'none'] as Target[])[random.weighted([64, 6, 22, 8])];
}

/** Writes one person's completions at a level, newest first, working back to their start. */
class History {
  constructor(
    private readonly person: number,
    private readonly span: Span,
    private readonly calendar: Calendar,
    private readonly completions: Completions,
    private readonly random: Random,
    private readonly leaver: boolean,
  ) {}

  level(rank: number, target: Target, interval: [number, number] = rank === 1 ? [560, 1040] : [700, 1080]): void {
    if (target === 'none' || target === 'pending' || target === 'missing') return;
    const { start, limit } = this.span;
    const validNow = this.calendar.validOnAsOf[rank];
    const validLater = this.calendar.validAtWindowEnd[rank];
    let low: number;
    let high: number;
    if (this.leaver) [low, high] = [Math.max(start, limit - 1000), limit];
    else if (target === 'expiring') [low, high] = [Math.max(validNow, start), validLater - 1];
    else if (target === 'expired') [low, high] = [Math.max(start, validNow - 1500), validNow - 1];
    else [low, high] = [Math.max(validLater, start), limit];
    if (low > high) [low, high] = [Math.max(validLater, start), limit];
    if (low > high) [low, high] = [start, limit];

    const source = rank === 1 ? 0 : 2;
    let day = this.random.int(low, high);
    this.completions.add(this.person, rank, day, source);
    for (let previous = day - this.random.int(interval[0], interval[1]); previous >= start; previous -= this.random.int(interval[0], interval[1])) {
      day = previous;
      this.completions.add(this.person, rank, day, source);
    }
    // Training soon after starting (induction e-learning, a first WRAP), when not already near it.
    const induction = start + (rank === 1 ? this.random.int(5, 60) : this.random.int(20, 150));
    if (day - induction >= 120) this.completions.add(this.person, rank, induction, source);
  }
}
