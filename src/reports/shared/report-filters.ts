/**
 * The filters at the top of a report page (organisation, date, quarter, numbers), read with the
 * report's own query DTO exactly as the API reads its query string, but forgiving: a value that
 * fails is left out (the report falls back to its default for it) and comes back as a GOV.UK
 * error, in plain words saying what to type, at its field and in the error summary. Dates come
 * from the GOV.UK date input (name-day, name-month, name-year; @DateFromParts() on the DTO), or
 * as YYYY-MM-DD from a link. The download buttons submit the same form with `format`.
 */
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DateParts, datePartsOf, partsOfIso } from '../../common/date-parts';
import { FormErrors, formErrors, NO_ERRORS } from '../../common/form-errors';

export type RawQuery = Record<string, string | string[] | undefined>;

/** What the page says when a filter is wrong, and for a date input that its error links to the day box. */
export interface FilterField {
  message: string;
  date?: boolean;
}

export interface ReadFilters<T> {
  /** The query with every value that failed left out. */
  query: T;
  errors: FormErrors;
  /** The download asked for by the button pressed (`format`), if it is one of the report's. */
  format: string | null;
  /** What was typed into each field, to show it again when it was wrong. */
  typed: Record<string, string>;
  /** Whether the field was refused. */
  refused: (field: string) => boolean;
}

const one = (raw: RawQuery, name: string): string => {
  const value = raw[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
};

/**
 * Reads the filters in `fields` order (the order of the form, which the summary follows).
 * `formats` are the downloads the page offers.
 */
export async function readFilters<T extends object>(
  dtoClass: ClassConstructor<T>,
  raw: RawQuery,
  fields: Record<string, FilterField>,
  formats: readonly string[] = [],
): Promise<ReadFilters<T>> {
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'format') continue;
    const first = Array.isArray(value) ? value[0] : value;
    // A choice left at "any" (an empty option) or a box left blank is no filter: the report's default.
    if (typeof first === 'string' && first.trim() !== '') plain[key] = first.trim();
  }
  const query = plainToInstance(dtoClass, plain);
  const failures = await validate(query, { whitelist: true });
  const refused = new Set<string>();
  const problems: { field: string; message: string }[] = [];
  for (const failure of failures) {
    const field = fields[failure.property];
    refused.add(failure.property);
    (query as Record<string, unknown>)[failure.property] = undefined;
    problems.push({ field: failure.property, message: field?.message ?? Object.values(failure.constraints ?? {})[0] ?? 'Check this value' });
  }
  const ids = Object.fromEntries(Object.entries(fields).flatMap(([name, f]) => (f.date ? [[name, `${name}-day`]] : [])));
  const typed = Object.fromEntries(Object.keys(fields).map((name) => [name, one(raw, name)]));
  const format = one(raw, 'format');
  return {
    query,
    errors: problems.length ? formErrors(problems, {}, Object.keys(fields), ids) : NO_ERRORS,
    format: formats.includes(format) ? format : null,
    typed,
    refused: (field) => refused.has(field),
  };
}

/** The boxes of a date filter: what was typed when it was refused, otherwise the date the report is for. */
export function dateBoxes(raw: RawQuery, name: string, refused: boolean, shown: string): DateParts {
  const typed = datePartsOf(raw as Record<string, unknown>, name);
  if (refused && (typed.day || typed.month || typed.year)) return typed;
  if (refused) return partsOfIso(null);
  return partsOfIso(shown);
}

/** A date filter's message: the label, then what to type. */
export const dateMessage = (label: string): FilterField => ({
  message: `${label} must be a real date between 1900 and 2199, for example 31 3 2026`,
  date: true,
});

/** The HTTP status of a report page: 400 when a filter was refused (the page still shows the form and the figures for the defaults). */
export const pageStatus = (errors: FormErrors): number => (errors.errors.length ? 400 : 200);
