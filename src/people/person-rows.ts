import type { PersonChoice } from './people.service';

/**
 * The rows of a person picker for several people (views/partials/person-picker.hbs, multiple):
 * the inputs share a name, and row n (from 1) is the field `name-n` its error is shown at.
 */

/** The posted rows as given: one string for one box, a list for several, blanks kept so row numbers stay put. */
export function postedRows(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : ''));
  return [];
}

/** The rows that name someone, each with the field its error is shown at. */
export function rowChoices(name: string, rows: string[]): PersonChoice[] {
  return rows.map((text, i) => ({ field: `${name}-${i + 1}`, text })).filter((c) => c.text.trim() !== '');
}

/** The fields of the first `count` rows, for a form's page order (the error summary follows it). */
export function rowFields(name: string, count = 50): string[] {
  return Array.from({ length: count }, (_, i) => `${name}-${i + 1}`);
}
