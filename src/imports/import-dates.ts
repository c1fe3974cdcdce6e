import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import { formatUkDate, IsoDate, isIsoDate } from '../common/dates';

dayjs.extend(customParseFormat);

export type ImportDateResult = { ok: true; date: IsoDate } | { ok: false; reason: string };

const WRITE_INSTEAD = 'write it as 3 March 2026, 03/03/2026 or 2026-03-03';

/** Forms with the month in words, once a weekday, a time of day and ordinal suffixes are set aside (numbers are read below). */
const FORMATS = [
  'D MMM YYYY',
  'D MMMM YYYY',
  'D-MMM-YYYY',
  'D-MMMM-YYYY',
  'D/MMM/YYYY',
  'MMM D YYYY',
  'MMMM D YYYY',
];

// The common forms first, without a library call: 100,000 rows of these parse in milliseconds.
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const WEEKDAY = /^((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\.?,?\s+/i;
// A time of day after the date: ", 2:05 PM", " 14:05", "T10:00:00Z", " 14:05:33.120 +01:00".
const TIME = /[\sT,]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:z|utc|gmt|bst|[+-]\d{2}:?\d{2})?$/i;
const TWO_DIGIT_YEAR = /^(.*[\s/.-])(\d{2})$/;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * A date as HR systems and learning platforms write it: `2026-03-03`, `3/3/2026`, `03-03-2026`,
 * `3 Mar 2026`, `3 March 2026`, `03-Mar-26`, `Tuesday, 3 March 2026, 2:05 PM`, `03/03/26, 14:05`.
 * Numbers are always read day first; a time of day is ignored; a weekday, when given, must be the
 * date's. A two-digit year is the latest year ending in those digits that is at most a year
 * after `today` (in 2026: 26 is 2026, 27 is 2027, 28 is 1928).
 */
export function readImportDate(input: string, today: IsoDate): ImportDateResult {
  const text = input.trim();
  if (text === '') return { ok: false, reason: `the date is empty: ${WRITE_INSTEAD}` };
  const iso = ISO.exec(text);
  if (iso) return isIsoDate(text) ? { ok: true, date: text } : { ok: false, reason: `${text} is not a real date` };
  const uk = UK.exec(text);
  if (uk) return fromParts(text, Number(uk[1]), Number(uk[2]), Number(uk[3]));

  let rest = text.replace(/\s+/g, ' ');
  const weekday = WEEKDAY.exec(rest);
  if (weekday) rest = rest.slice(weekday[0].length);
  rest = rest.replace(TIME, '').replace(/[,\s]+$/, '');
  rest = rest.replace(/\b(\d{1,2})(st|nd|rd|th)\b/gi, '$1').replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^\d{5,}$/.test(rest)) return { ok: false, reason: `${text} is a number, not a date: ${WRITE_INSTEAD}` };
  const short = TWO_DIGIT_YEAR.exec(rest);
  if (short && !/^\d{4}/.test(rest)) rest = short[1] + fullYear(Number(short[2]), today);

  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(rest);
  if (numeric) return withWeekday(text, weekday?.[1], fromParts(text, Number(numeric[1]), Number(numeric[2]), Number(numeric[3])));
  const yearFirst = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(rest);
  if (yearFirst) return withWeekday(text, weekday?.[1], fromParts(text, Number(yearFirst[3]), Number(yearFirst[2]), Number(yearFirst[1])));
  // dayjs's strict mode wants the text exactly as it would write it: "3 Mar 2026", not "03 MAR 2026".
  const words = rest
    .replace(/\b0(\d)\b/g, '$1')
    .replace(/[a-z]+/gi, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .replace(/\bSept\b/, 'Sep');
  const parsed = dayjs(words, FORMATS, 'en', true);
  if (!parsed.isValid()) {
    if (/^\d{4}[/-]\d{1,2}[/-]\d{1,2}$/.test(rest)) return { ok: false, reason: `${text} is not a real date: ${WRITE_INSTEAD}` };
    if (/\d/.test(rest) && /[a-z]{3}/i.test(rest) && !/\d{4}|\d{2}$/.test(rest)) return { ok: false, reason: `${text} has no year: ${WRITE_INSTEAD}` };
    return { ok: false, reason: `${text} is not a date we can read: ${WRITE_INSTEAD}` };
  }
  return withWeekday(text, weekday?.[1], { ok: true, date: parsed.format('YYYY-MM-DD') });
}

function fullYear(yy: number, today: IsoDate): number {
  const limit = Number(today.slice(0, 4)) + 1;
  const century = Math.floor(limit / 100) * 100;
  return century + yy <= limit ? century + yy : century - 100 + yy;
}

function fromParts(text: string, day: number, month: number, year: number): ImportDateResult {
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(iso) ? { ok: true, date: iso } : notReal(text, day, month, year);
}

/** Not a date when read day first; when month first would make one, say so and what to write. */
function notReal(text: string, day: number, month: number, year: number): ImportDateResult {
  const swapped = `${String(year).padStart(4, '0')}-${String(day).padStart(2, '0')}-${String(month).padStart(2, '0')}`;
  if (month > 12 && day <= 12 && isIsoDate(swapped)) {
    return {
      ok: false,
      reason: `${text} is not a real date: dates are read day first, so this would be month ${month}. If you meant ${formatUkDate(swapped)}, write ${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}/${year} or ${swapped}`,
    };
  }
  return { ok: false, reason: `${text} is not a real date` };
}

function withWeekday(text: string, weekday: string | undefined, result: ImportDateResult): ImportDateResult {
  if (!result.ok || !weekday) return result;
  const actual = DAY_NAMES[dayjs(result.date, 'YYYY-MM-DD', true).day()];
  if (weekday.slice(0, 3).toLowerCase() !== actual) {
    return { ok: false, reason: `${text}: ${formatUkDate(result.date)} is not a ${weekday}; check the date and ${WRITE_INSTEAD}` };
  }
  return result;
}
