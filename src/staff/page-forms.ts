/**
 * Helpers for the HTML pages: reading what a form posted (for showing it again) and pagination.
 * Forms are validated by their DTOs (@FormBody) and refusals shown by the exception filter.
 */

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

export { datePartsOf as dateParts, partsOfIso } from '../common/date-parts';
export type { DateParts } from '../common/date-parts';

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
