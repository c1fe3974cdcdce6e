/** The month view of the sessions page: weeks from Monday to Sunday, as a table grid. */
import { addDays, addMonths, daysBetween, IsoDate } from '../common/dates';

export interface CalendarDay<T> {
  date: IsoDate;
  day: number;
  inMonth: boolean;
  isToday: boolean;
  items: T[];
}

export interface CalendarMonth<T> {
  month: string;
  first: IsoDate;
  last: IsoDate;
  /** The grid's first and last days (Monday before the 1st, Sunday after the last). */
  gridStart: IsoDate;
  gridEnd: IsoDate;
  previous: string;
  next: string;
  weeks: { days: CalendarDay<T>[] }[];
}

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && MONTH_PATTERN.test(s);
}

/** Monday = 0 ... Sunday = 6. 1970-01-05 was a Monday. */
function weekdayOf(d: IsoDate): number {
  return (((daysBetween('1970-01-05', d) % 7) + 7) % 7);
}

/** The grid for a month ("YYYY-MM"); items are placed on the day `dateOf` gives them. */
export function calendarMonth<T>(month: string, items: T[], dateOf: (item: T) => IsoDate, today: IsoDate): CalendarMonth<T> {
  if (!isMonth(month)) throw new RangeError(`${month} is not a month written YYYY-MM`);
  const first = `${month}-01`;
  const last = addDays(addMonths(first, 1), -1);
  const gridStart = addDays(first, -weekdayOf(first));
  const gridEnd = addDays(last, 6 - weekdayOf(last));
  const byDate = new Map<IsoDate, T[]>();
  for (const item of items) byDate.set(dateOf(item), [...(byDate.get(dateOf(item)) ?? []), item]);
  const weeks: { days: CalendarDay<T>[] }[] = [];
  for (let d = gridStart; d <= gridEnd; d = addDays(d, 7)) {
    const days: CalendarDay<T>[] = [];
    for (let i = 0; i < 7; i++) {
      const date = addDays(d, i);
      days.push({ date, day: Number(date.slice(8)), inMonth: date.slice(0, 7) === month, isToday: date === today, items: byDate.get(date) ?? [] });
    }
    weeks.push({ days });
  }
  return {
    month,
    first,
    last,
    gridStart,
    gridEnd,
    previous: addMonths(first, -1).slice(0, 7),
    next: addMonths(first, 1).slice(0, 7),
    weeks,
  };
}
