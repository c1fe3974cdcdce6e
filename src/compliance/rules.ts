/**
 * The compliance rules of DOMAIN.md ("Compliance rules"), as plain functions over plain data.
 * Every report must agree with these; when in doubt, DOMAIN.md wins and this file is fixed.
 */
import { addDays, addMonths, IsoDate } from '../common/dates';

export type Status = 'compliant' | 'expiring' | 'pending' | 'expired' | 'missing';
export const STATUSES: Status[] = ['compliant', 'expiring', 'pending', 'expired', 'missing'];
export const MET_STATUSES: Status[] = ['compliant', 'expiring'];
export const OVERDUE_STATUSES: Status[] = ['expired', 'missing'];
export const DEFAULT_WINDOW_DAYS = 90;

export interface LevelFact {
  code: string;
  rank: number;
  validityMonths: number | null;
}

export interface RequirementFact {
  roleCode: string;
  levelRank: number;
  organisationId: number | null;
  graceDays: number;
}

export interface PersonFact {
  startDate: IsoDate;
  endDate: IsoDate | null;
  roleCodes: string[];
  /** Organisation ids from the root down to the person's own organisation, inclusive. */
  organisationPath: number[];
}

export interface CompletionFact {
  levelRank: number;
  completedOn: IsoDate;
}

export type Requirement = { required: false } | { required: true; graceDays: number };

export interface Assessment {
  level: string;
  status: Status;
  /**
   * compliant/expiring: the day the person stops meeting the level (null: never);
   * expired: the day it lapsed; pending/missing: start date + grace.
   */
  dueOn: IsoDate | null;
  /** The latest completion at this level or higher dated on or before the date assessed. */
  lastCompletion: CompletionFact | null;
}

export interface Counts {
  required: number;
  met: number;
  compliant: number;
  expiring: number;
  pending: number;
  expired: number;
  missing: number;
  overdue: number;
  compliancePct: number | null;
}

// Rule 1
export function inScope(p: PersonFact, d: IsoDate): boolean {
  const hasStarted = p.startDate <= d;
  const hasNotLeft = !p.endDate || p.endDate >= d;
  return hasStarted && hasNotLeft;
}

// Rule 2
export function appliesTo(r: RequirementFact, p: PersonFact): boolean {
  const holdsRole = p.roleCodes.includes(r.roleCode);
  const insideScope = r.organisationId === null || p.organisationPath.includes(r.organisationId);
  return holdsRole && insideScope;
}

export function requirementOf(p: PersonFact, level: LevelFact, reqs: RequirementFact[], d: IsoDate): Requirement {
  if (!inScope(p, d)) return { required: false };
  const covering = reqs.filter((r) => appliesTo(r, p) && r.levelRank >= level.rank);
  if (covering.length === 0) return { required: false };
  return { required: true, graceDays: Math.min(...covering.map((r) => r.graceDays ?? 0)) };
}

// Rule 3
function levelOfRank(rank: number, levels: LevelFact[]): LevelFact {
  const level = levels.find((l) => l.rank === rank);
  if (!level) throw new Error(`no level has rank ${rank}`);
  return level;
}

/** The first day the completion is no longer valid; null when its level never expires. */
export function lapsesOn(c: CompletionFact, levels: LevelFact[]): IsoDate | null {
  const { validityMonths } = levelOfRank(c.levelRank, levels);
  return validityMonths === null ? null : addMonths(c.completedOn, validityMonths);
}

export function isValidOn(c: CompletionFact, levels: LevelFact[], d: IsoDate): boolean {
  const lapse = lapsesOn(c, levels);
  return c.completedOn <= d && (lapse === null || d < lapse);
}

/**
 * The earliest date a completion at this level can carry and still be valid on d: a completion
 * dated c is valid on d exactly when validFrom <= c <= d (null: the level never expires, so any
 * c <= d is). Lapse dates never go down as c goes up, so one date per level stands for rule 3
 * in the SQL of the reports, with the calendar-month clamping done here, once.
 */
export function validFrom(level: Pick<LevelFact, 'validityMonths'>, d: IsoDate): IsoDate | null {
  const months = level.validityMonths;
  if (months === null) return null;
  // Completions up to d - m months lapse on or before d; clamping moves the first valid one a few days on.
  let c = addMonths(d, -months);
  while (addMonths(c, months) <= d) c = addDays(c, 1);
  return c;
}

function countsFor(c: CompletionFact, level: LevelFact): boolean {
  return c.levelRank >= level.rank;
}

export function meets(cs: CompletionFact[], level: LevelFact, levels: LevelFact[], d: IsoDate): boolean {
  return cs.some((c) => countsFor(c, level) && isValidOn(c, levels, d));
}

// Rule 4
function latestOf(cs: CompletionFact[]): CompletionFact | null {
  let latest: CompletionFact | null = null;
  for (const c of cs) {
    const isLater =
      !latest ||
      c.completedOn > latest.completedOn ||
      (c.completedOn === latest.completedOn && c.levelRank > latest.levelRank);
    if (isLater) latest = c;
  }
  return latest;
}

/** The latest lapse among the completions; null when any of them never lapses. */
function lastLapseOf(cs: CompletionFact[], levels: LevelFact[]): IsoDate | null {
  const lapses = cs.map((c) => lapsesOn(c, levels));
  if (lapses.includes(null)) return null;
  return (lapses as IsoDate[]).reduce((a, b) => (b > a ? b : a));
}

export function assess(
  p: PersonFact,
  cs: CompletionFact[],
  level: LevelFact,
  levels: LevelFact[],
  reqs: RequirementFact[],
  d: IsoDate,
  windowDays = DEFAULT_WINDOW_DAYS,
): Assessment | null {
  const requirement = requirementOf(p, level, reqs, d);
  if (!requirement.required) return null;

  // The look-ahead to D + W also uses only completions dated on or before D: it is D's record.
  const heldOnD = cs.filter((c) => countsFor(c, level) && c.completedOn <= d);
  const lastCompletion = latestOf(heldOnD);
  const endOfGrace = addDays(p.startDate, requirement.graceDays);
  const result = (status: Status, dueOn: IsoDate | null): Assessment => ({
    level: level.code,
    status,
    dueOn,
    lastCompletion,
  });

  if (meets(heldOnD, level, levels, d)) {
    const validOnD = heldOnD.filter((c) => isValidOn(c, levels, d));
    const stopsMeetingOn = lastLapseOf(validOnD, levels);
    const meetsAtWindowEnd = meets(heldOnD, level, levels, addDays(d, windowDays));
    return result(meetsAtWindowEnd ? 'compliant' : 'expiring', stopsMeetingOn);
  }
  if (d < endOfGrace) return result('pending', endOfGrace);
  if (heldOnD.length > 0) return result('expired', lastLapseOf(heldOnD, levels));
  return result('missing', endOfGrace);
}

// Rule 5
export function emptyCounts(): Counts {
  return {
    required: 0,
    met: 0,
    compliant: 0,
    expiring: 0,
    pending: 0,
    expired: 0,
    missing: 0,
    overdue: 0,
    compliancePct: null,
  };
}

/** Counts one more person who requires the level; mutates c. */
export function addStatus(c: Counts, s: Status): void {
  c[s] += 1;
  c.required += 1;
  if (MET_STATUSES.includes(s)) c.met += 1;
  if (OVERDUE_STATUSES.includes(s)) c.overdue += 1;
}

/** Fills in c.compliancePct from met and overdue, and returns c. */
export function withPct(c: Counts): Counts {
  c.compliancePct = compliancePct(c.met, c.overdue);
  return c;
}

/**
 * met / (met + overdue) x 100 to one decimal, halves rounded up; null when nobody is due.
 * Worked in whole tenths of a percent so that halves such as 12.5 are not lost to float error.
 */
export function compliancePct(met: number, overdue: number): number | null {
  if (!Number.isInteger(met) || !Number.isInteger(overdue) || met < 0 || overdue < 0) {
    throw new RangeError(`counts must be whole numbers of people, got met ${met}, overdue ${overdue}`);
  }
  const due = met + overdue;
  if (due === 0) return null;
  const tenths = Math.floor((2000 * met + due) / (2 * due));
  return tenths / 10;
}
