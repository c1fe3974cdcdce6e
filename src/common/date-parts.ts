import { applyDecorators } from '@nestjs/common';
import { Expose, Transform } from 'class-transformer';

/** The three boxes of a GOV.UK date input, as typed. */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

type Posted = Record<string, unknown>;

const part = (form: Posted, name: string): string => {
  const value = form[name];
  return (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '').trim();
};

/** The parts a form posted for the date input called `name` (name-day, name-month, name-year). */
export function datePartsOf(form: Posted, name: string): DateParts {
  return { day: part(form, `${name}-day`), month: part(form, `${name}-month`), year: part(form, `${name}-year`) };
}

/** A stored YYYY-MM-DD date as the boxes show it (3, 3, 2026); blank boxes for none. */
export function partsOfIso(iso: string | null | undefined): DateParts {
  if (!iso) return { day: '', month: '', year: '' };
  const [year, month, day] = iso.slice(0, 10).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

/** Marks a value that the summary and field messages can tell apart from a real date. */
export const NOT_A_DATE = 'not a date';

/**
 * The parts as one YYYY-MM-DD date: null when all three are blank, YYYY-MM-DD when they are
 * numbers (IsCalendarDate then refuses 31 February), otherwise NOT_A_DATE, which fails it.
 */
export function isoFromParts({ day, month, year }: DateParts): string | null {
  if (!day && !month && !year) return null;
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return NOT_A_DATE;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * On a DTO property that a page fills with the GOV.UK date input (views/partials/date-input.hbs):
 * when the form posted `<property>-day/-month/-year`, the property becomes their YYYY-MM-DD date
 * (or null when all three were left blank). A JSON body that sends the property itself is left as
 * it is, so the API and the page share one DTO and one set of messages.
 */
export function DateFromParts(): PropertyDecorator {
  return applyDecorators(
    Expose(),
    Transform(({ obj, key, value }: { obj: Posted; key: string; value: unknown }) => {
      const posted = [`${key}-day`, `${key}-month`, `${key}-year`].some((name) => name in obj);
      return posted ? isoFromParts(datePartsOf(obj, key)) : value;
    }),
  );
}
