import { HttpException } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { refusalProblems } from '../common/field-error';
import { FormError, FormErrors, formErrors } from '../common/form-errors';

/**
 * Helpers for the HTML forms: they run the same DTO validation as the API, then turn its
 * field-named errors (and the services' "field: message" errors) into GOV.UK error messages.
 */


/** What a form field is called on the page, where its error links to, and its messages. */
export interface FormField {
  label: string;
  /** Element id the error summary links to (the first input of a date or checkbox group). */
  anchor: string;
  /** Shown when the field was left empty. */
  empty?: string;
  /** Shown when it was filled in wrongly (otherwise the validator's own message). */
  invalid?: string;
}

export type FormFields = Record<string, FormField>;

export type { FormError, FormErrors } from '../common/form-errors';

/** The posted form as express's urlencoded parser gives it. */
export type PostedForm = Record<string, string | string[] | undefined>;

export function text(form: PostedForm, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
}

/** Checkboxes: absent when none is ticked, a string for one, an array for several. */
export function list(form: PostedForm, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' && v !== '');
}

export { datePartsOf as dateParts, isoFromParts, partsOfIso } from '../common/date-parts';
export type { DateParts } from '../common/date-parts';

const isEmpty = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);

/** Builds the DTO from the form exactly as the API's ValidationPipe would, and validates it. */
export async function validateForm<T extends object>(
  dtoClass: ClassConstructor<T>,
  values: Record<string, unknown>,
  fields: FormFields,
): Promise<{ dto: T; errors: FormErrors | null }> {
  const dto = plainToInstance(dtoClass, values);
  const failures = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  const list: FormError[] = failures.map((failure) => {
    const field = fields[failure.property];
    const raw = values[failure.property];
    const fallback = Object.values(failure.constraints ?? {})[0] ?? `${failure.property} is not valid`;
    const message = isEmpty(raw) ? (field?.empty ?? field?.invalid ?? fallback) : (field?.invalid ?? fallback);
    return { field: failure.property, href: field ? `#${field.anchor}` : null, text: message };
  });
  return { dto, errors: list.length ? errorsOf(sortByForm(list, fields)) : null };
}

/**
 * A service refusal as a form error, at the field it names (FieldError.field, or a legacy
 * "field: message"); field names in the text are swapped for the page's labels. Anything that
 * is not a client mistake (404, 403, 500) is rethrown.
 */
export function serviceError(error: unknown, fields: FormFields, conflictField: string | null): { status: number; errors: FormErrors } {
  const problems = refusalProblems(error);
  if (!problems || !(error instanceof HttpException)) throw error;
  const labelled = problems.map(({ field, message }) => {
    let description = message;
    for (const [name, f] of Object.entries(fields)) description = description.split(name).join(f.label.toLowerCase());
    description = description.charAt(0).toUpperCase() + description.slice(1);
    return { field: field && fields[field] ? field : error.getStatus() === 409 ? conflictField : null, message: description };
  });
  const anchors = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.anchor]));
  return { status: error.getStatus(), errors: formErrors(labelled, {}, Object.keys(fields), anchors) };
}

function errorsOf(list: FormError[]): FormErrors {
  const errorFor: Record<string, string> = {};
  for (const e of list) if (e.field && !errorFor[e.field]) errorFor[e.field] = e.text;
  return { errors: list, errorFor };
}

/** The error summary lists problems in the order the fields appear on the page. */
function sortByForm(list: FormError[], fields: FormFields): FormError[] {
  const order = Object.keys(fields);
  const rank = (e: FormError) => (e.field && order.includes(e.field) ? order.indexOf(e.field) : order.length);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/** GOV.UK pagination: previous/next and page numbers with ellipses around the current page. */
export interface Pagination {
  previous: string | null;
  next: string | null;
  items: Array<{ number?: number; href?: string; current?: boolean; ellipsis?: boolean }>;
}

export function pagination(page: number, pages: number, hrefFor: (page: number) => string): Pagination | null {
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: Pagination['items'] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1] > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: hrefFor(n), current: n === page });
  });
  return {
    previous: page > 1 ? hrefFor(page - 1) : null,
    next: page < pages ? hrefFor(page + 1) : null,
    items,
  };
}
