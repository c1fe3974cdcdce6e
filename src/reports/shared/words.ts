/**
 * The words every report, page and export uses for the same things: one word per status (the
 * words of the README's "Compliance and reports"), and a level's name beside its code.
 */
import type { Status } from '../../compliance/rules';

/** One word per status, on every report page and in every export. */
export const STATUS_WORDS: Record<Status, string> = {
  compliant: 'Compliant',
  expiring: 'Expiring',
  pending: 'Pending',
  expired: 'Expired',
  missing: 'Missing',
};

/** What each status means, for hints beside the figures. */
export const STATUS_MEANINGS: Record<Status, string> = {
  compliant: 'trained, and still will be at the end of the look-ahead',
  expiring: 'trained, but a refresher falls due within the look-ahead',
  pending: 'new starters still within their grace period',
  expired: 'trained once, now lapsed',
  missing: 'never trained',
};

/** A level's code with its name beside it: "L2 WRAP: Workshop to Raise Awareness of Prevent". */
export function levelLabel(code: string, names: ReadonlyMap<string, string> | Record<string, string>): string {
  const name = names instanceof Map ? names.get(code) : (names as Record<string, string>)[code];
  return name ? `${code} ${name}` : code;
}

/** A level's short name: "WRAP" from "WRAP: Workshop to Raise Awareness of Prevent". */
export function shortLevelName(l: { name: string }): string {
  return l.name.split(':')[0].trim();
}
