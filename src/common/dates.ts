/**
 * Calendar dates as ISO `YYYY-MM-DD` strings.
 *
 * A training date has no time zone: "completed on 3 March" is 3 March wherever the server runs.
 * So every calculation here works on year/month/day integers and never builds a local Date.
 */

export type IsoDate = string;
export type Quarter = 1 | 2 | 3 | 4;
export interface FinancialQuarter {
  year: number;
  quarter: Quarter;
  start: IsoDate;
  end: IsoDate;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDate({ year, month, day }: DateParts): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

// The rules work out dates by the million in a report, so these avoid regular expressions and padStart.
function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function toIso({ year, month, day }: DateParts): IsoDate {
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} is outside 0000-9999`);
  const y = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  return `${y}-${twoDigits(month)}-${twoDigits(day)}`;
}

/** The digits of s from `from` up to `to` as a number, or -1 if any is not a digit 0-9. */
function digitsOf(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** The parts of exactly `YYYY-MM-DD` naming a real day, or null. */
function parsedParts(s: string): DateParts | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const parts = { year: digitsOf(s, 0, 4), month: digitsOf(s, 5, 7), day: digitsOf(s, 8, 10) };
  return parts.year >= 0 && isRealDate(parts) ? parts : null;
}

function partsOf(d: IsoDate): DateParts {
  const parts = typeof d === 'string' ? parsedParts(d) : null;
  if (!parts) throw new RangeError(`${String(d)} is not a date written YYYY-MM-DD`);
  return parts;
}

function requireWholeNumber(n: number, what: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${what} must be a whole number, got ${n}`);
}

// Day numbers counted from 1970-01-01 (H. Hinnant's civil calendar algorithms): exact for every
// year, unlike Date.UTC, which treats years 0-99 as 1900-1999.
function dayNumberOf({ year, month, day }: DateParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function partsOfDayNumber(dayNumber: number): DateParts {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** A real calendar date written exactly `YYYY-MM-DD` (rejects 2025-02-31, 2025-2-3, 25-02-03). */
export function isIsoDate(s: unknown): s is IsoDate {
  return typeof s === 'string' && parsedParts(s) !== null;
}

export function addDays(d: IsoDate, n: number): IsoDate {
  requireWholeNumber(n, 'number of days');
  return toIso(partsOfDayNumber(dayNumberOf(partsOf(d)) + n));
}

/** Calendar months; a day that the target month lacks becomes its last day (31 Jan + 1 = 28/29 Feb). */
export function addMonths(d: IsoDate, n: number): IsoDate {
  requireWholeNumber(n, 'number of months');
  const { year, month, day } = partsOf(d);
  const monthIndex = year * 12 + (month - 1) + n;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return toIso({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** Days from a to b: positive when b is later. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumberOf(partsOf(b)) - dayNumberOf(partsOf(a));
}

/** One formatter a time zone: making an Intl.DateTimeFormat costs far more than using one. */
const calendarFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The date last worked out in each zone, and the quarter of an hour (of UTC) it holds for: every
 * time zone in use today is a whole number of quarter hours from UTC, so its calendar date cannot
 * change within one. A page asks for today once a row; formatting it took 2% of a busy server.
 */
const lastToday = new Map<string, { quarter: number; date: IsoDate }>();
const QUARTER_HOUR_MS = 15 * 60_000;

/** Today's date as seen on a calendar in the given zone (`now` is there for tests). */
export function todayIso(timeZone = 'Europe/London', now: Date = new Date()): IsoDate {
  const quarter = Math.floor(now.getTime() / QUARTER_HOUR_MS);
  const last = lastToday.get(timeZone);
  if (last?.quarter === quarter) return last.date;
  const date = calendarDateIn(timeZone, now);
  lastToday.set(timeZone, { quarter, date });
  return date;
}

function calendarDateIn(timeZone: string, now: Date): IsoDate {
  let format = calendarFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    calendarFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return toIso({ year: part('year'), month: part('month'), day: part('day') });
}

/** '3 March 2026'; empty for no date. */
export function formatUkDate(d: IsoDate | null | undefined): string {
  if (d === null || d === undefined) return '';
  const { year, month, day } = partsOf(d);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}

// Excel's 1900 date system counts 1900-01-01 as serial 1 and wrongly includes 29 Feb 1900
// (serial 60), so from serial 61 on, serial 0 effectively falls on 1899-12-30.
const EXCEL_EPOCH_AFTER_FAKE_LEAP_DAY = dayNumberOf({ year: 1899, month: 12, day: 30 });
const EXCEL_EPOCH_BEFORE_FAKE_LEAP_DAY = dayNumberOf({ year: 1899, month: 12, day: 31 });
const EXCEL_FAKE_LEAP_DAY = 60;

/** A date cell from an Excel workbook (1900 date system). A time of day, if any, is dropped. */
export function excelSerialToIso(serial: number): IsoDate {
  if (!Number.isFinite(serial) || serial < 1) {
    throw new RangeError(`${serial} is not an Excel date serial`);
  }
  const wholeDays = Math.floor(serial);
  if (wholeDays === EXCEL_FAKE_LEAP_DAY) {
    throw new RangeError('Excel serial 60 is 29 February 1900, a date that never existed');
  }
  const epoch =
    wholeDays > EXCEL_FAKE_LEAP_DAY ? EXCEL_EPOCH_AFTER_FAKE_LEAP_DAY : EXCEL_EPOCH_BEFORE_FAKE_LEAP_DAY;
  return toIso(partsOfDayNumber(epoch + wholeDays));
}

function requireQuarter(quarter: number): asserts quarter is Quarter {
  if (![1, 2, 3, 4].includes(quarter)) throw new RangeError(`quarter must be 1, 2, 3 or 4, got ${quarter}`);
}

/** Quarter q of the UK financial year that starts on 1 April of `year` (2025 = 2025/26). */
export function financialQuarter(year: number, quarter: Quarter): FinancialQuarter {
  requireWholeNumber(year, 'financial year');
  requireQuarter(quarter);
  const start = addMonths(toIso({ year, month: 4, day: 1 }), 3 * (quarter - 1));
  const end = addDays(addMonths(start, 3), -1);
  return { year, quarter, start, end };
}

/** The financial year (by the year it starts) and quarter that a date falls in. */
export function quarterOf(d: IsoDate): { year: number; quarter: Quarter } {
  const { year, month } = partsOf(d);
  if (month <= 3) return { year: year - 1, quarter: 4 };
  return { year, quarter: (Math.floor((month - 4) / 3) + 1) as Quarter };
}

export function previousQuarter(year: number, quarter: Quarter): { year: number; quarter: Quarter } {
  requireQuarter(quarter);
  if (quarter === 1) return { year: year - 1, quarter: 4 };
  return { year, quarter: (quarter - 1) as Quarter };
}
