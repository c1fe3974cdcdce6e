import { formatUkDate } from '../common/dates';

/** What an anonymised person's first and last name become: the row stays, so past figures keep counting them. */
export const ANONYMISED_FIRST_NAME = 'Anonymised';
export const ANONYMISED_LAST_NAME = 'person';

/** Why a person was anonymised, as the staff row records it. */
export type AnonymisedReason = 'retention' | 'erasure' | 'erasure-trainer-name-kept';

/** "Anonymised on 3 March 2026 under the retention policy": what pages show where the person would appear. */
export function anonymisedNote(at: string | null | undefined, reason: string | null | undefined): string | null {
  if (!at) return null;
  const on = formatUkDate(at.slice(0, 10));
  if (reason === 'erasure') return `Anonymised on ${on} on request (erasure)`;
  if (reason === 'erasure-trainer-name-kept') return `Anonymised on ${on} on request, except their name as the trainer of sessions still kept`;
  return `Anonymised on ${on} under the retention policy`;
}

/** "6 years", "1 year". */
export function yearsText(years: number): string {
  return years === 1 ? '1 year' : `${years} years`;
}
