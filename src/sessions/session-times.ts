/**
 * Session times: local (Europe/London) wall-clock times written "YYYY-MM-DDTHH:MM".
 * They sort and compare as text; only calendar files need the real instant (toUtcMillis).
 */
import { formatUkDate, IsoDate, isIsoDate } from '../common/dates';

export type LocalDateTime = string;

const LOCAL_PATTERN = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/;
export const SESSION_TIME_ZONE = 'Europe/London';

/** A real date and a time of day from 00:00 to 23:59, written YYYY-MM-DDTHH:MM. */
export function isLocalDateTime(s: unknown): s is LocalDateTime {
  if (typeof s !== 'string') return false;
  const match = LOCAL_PATTERN.exec(s);
  if (!match) return false;
  return isIsoDate(match[1]) && Number(match[2]) <= 23 && Number(match[3]) <= 59;
}

const TYPED_TIME = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/;

/**
 * A time of day as people type it ("9:30am", "9.30 pm", "2pm", "14:00", "noon") as HH:MM, or null
 * when it is not one. Without am or pm a time needs its minutes ("14:00"): "9" alone could be either.
 */
export function parseTime(typed: string): string | null {
  const text = typed.trim().toLowerCase();
  if (text === 'noon' || text === 'midday' || text === '12 noon') return '12:00';
  const match = TYPED_TIME.exec(text);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3]?.replace(/\./g, '');
  if (minute > 59) return null;
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  } else if (match[2] === undefined || hour > 23) {
    return null;
  }
  return `${pad(hour)}:${pad(minute)}`;
}

export function dateOf(t: LocalDateTime): IsoDate {
  return t.slice(0, 10);
}

export function timeOf(t: LocalDateTime): string {
  return t.slice(11, 16);
}

/** The wall-clock time now in the zone, to the minute (`now` is there for tests). */
export function nowLocal(timeZone = SESSION_TIME_ZONE, now: Date = new Date()): LocalDateTime {
  const p = zoneParts(now.getTime(), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "12:30 on 7 December 2026"; empty for no time. */
export function formatLocal(t: LocalDateTime | null | undefined): string {
  return t ? `${timeOf(t)} on ${formatUkDate(dateOf(t))}` : '';
}

/**
 * The instant a London wall-clock time names, in milliseconds since the epoch. In the hour the
 * clocks go back the earlier (summer time) instant is taken; a time skipped when they go forward
 * is read as the instant an hour later, as a clock would show it.
 */
export function toUtcMillis(t: LocalDateTime, timeZone = SESSION_TIME_ZONE): number {
  if (!isLocalDateTime(t)) throw new RangeError(`${String(t)} is not a time written YYYY-MM-DDTHH:MM`);
  const [y, mo, d] = t.slice(0, 10).split('-').map(Number);
  const asIfUtc = Date.UTC(y, mo - 1, d, Number(t.slice(11, 13)), Number(t.slice(14, 16)));
  // Try the offsets in force a day before and a day after: the earlier matching instant wins.
  const offsetBefore = offsetAt(asIfUtc - 86_400_000, timeZone);
  const offsetAfter = offsetAt(asIfUtc + 86_400_000, timeZone);
  const candidates = [asIfUtc - offsetBefore, asIfUtc - offsetAfter].sort((a, b) => a - b);
  const exact = candidates.find((utc) => nowLocal(timeZone, new Date(utc)) === t);
  return exact ?? asIfUtc - offsetBefore;
}

function offsetAt(utcMillis: number, timeZone: string): number {
  const p = zoneParts(utcMillis, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(utcMillis / 60_000) * 60_000;
}

/** One formatter a time zone: making an Intl.DateTimeFormat costs far more than using one. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneParts(utcMillis: number, timeZone: string) {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    zoneFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(utcMillis));
  const part = (type: string) => Number(parts.find((x) => x.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
