/**
 * The checks a staff record must pass, as pure functions: the staff service (forms and the API)
 * and the staff import both ask these, so a person is refused for the same reason, in the same
 * words, however they arrive. Each answers null when the record is fine, else the reason.
 */
import { formatUkDate, type IsoDate } from '../common/dates';

/** A leaver's last day in post cannot come before their first. */
export function endDateProblem(startDate: IsoDate, endDate: IsoDate | null | undefined): string | null {
  if (!endDate || endDate >= startDate) return null;
  return `the end date, ${formatUkDate(endDate)}, is before the start date, ${formatUkDate(startDate)}`;
}

/** Nobody manages themselves. */
export function ownManagerProblem(employeeRef: string, managerRef: string | null | undefined): string | null {
  return managerRef && managerRef === employeeRef ? 'a person cannot be their own manager' : null;
}

/** Why someone cannot be made the manager of a person above them in the chain. */
export function reportsToThisPerson(managerRef: string): string {
  return `${managerRef} reports to this person (directly or through others), so cannot be their manager`;
}

/**
 * Nobody ends up managing themselves further up the chain: `chain` is the would-be manager
 * followed by their manager, and so on up.
 */
export function managerLoopProblem(personId: number | undefined, managerRef: string, chain: number[]): string | null {
  if (personId === undefined || !chain.includes(personId)) return null;
  return chain[0] === personId ? 'a person cannot be their own manager' : reportsToThisPerson(managerRef);
}
