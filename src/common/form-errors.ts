import { formatUkDate, isIsoDate } from './dates';
import type { FieldProblem } from './field-error';

/** The one shape every page with a form shows its errors in: the summary list and the message at each field. */
export interface FormError {
  field: string | null;
  /** Where the summary links to: the field's first input; null for a problem with the whole form. */
  href: string | null;
  text: string;
}

export interface FormErrors {
  errors: FormError[];
  errorFor: Record<string, string>;
}

/** A service's or DTO's field name -> the form's field it is shown at, where they differ ("startsAt" -> "startTime"). */
export type FormAnchors = Record<string, string>;

export const NO_ERRORS: FormErrors = { errors: [], errorFor: {} };

/**
 * Field problems as the page shows them: at the form's field (`anchors` renames a service's field
 * when the form calls it otherwise), linked to its first input (`ids`, when not the field name),
 * in the order of the form, with ISO dates written the UK way.
 */
export function formErrors(
  problems: Array<{ field: string | null; message: string }>,
  anchors: FormAnchors = {},
  order: readonly string[] = [],
  ids: Record<string, string> = {},
): FormErrors {
  const onForm = (field: string | null) => (field ? (anchors[field] ?? (order.length === 0 || order.includes(field) ? field : null)) : null);
  const rank = (field: string | null) => (field && order.includes(field) ? order.indexOf(field) : order.length);
  const errors: FormError[] = problems
    .map(({ field, message }) => ({ field: onForm(field), message }))
    .sort((a, b) => rank(a.field) - rank(b.field))
    .map(({ field, message }) => ({ field, href: field ? `#${ids[field] ?? field}` : null, text: plain(message) }));
  const errorFor: Record<string, string> = {};
  for (const e of errors) if (e.field && !errorFor[e.field]) errorFor[e.field] = e.text;
  return { errors, errorFor };
}

/** As a page says it: ISO dates the UK way, and a capital letter to begin ("no organisation ..." from a service). */
function plain(message: string): string {
  const dated = message.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (iso) => (isIsoDate(iso) ? formatUkDate(iso) : iso));
  return dated.charAt(0).toUpperCase() + dated.slice(1);
}
