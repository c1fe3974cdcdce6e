/**
 * How the staff list's search box matches (README "Staff"), in the form each database's index
 * serves (migration 1763900002200):
 * - 3 characters or more: anywhere in the name ("first last"), the email or the employee
 *   reference, ignoring case. SQLite: the FTS5 trigram table staff_search; PostgreSQL: LIKE
 *   '%text%' on the lower-case columns, served by their pg_trgm GIN indexes.
 * - 1 or 2 characters: the start of the first name, last name, email or employee reference (a
 *   trigram index cannot serve fewer than three characters, and a scan of everyone would).
 */
import type { WhereExpressionBuilder } from 'typeorm';
import { Brackets } from 'typeorm';

/** The shortest text matched anywhere; shorter text is matched at the start of each field. */
export const SUBSTRING_MIN_CHARS = 3;

const PREFIX_COLUMNS = ['first_name', 'last_name', 'email', 'employee_ref'];

/** Whether the search text is matched anywhere in a field (rather than at the start of each). */
export function matchesAnywhere(text: string | undefined): boolean {
  return [...(text?.trim() ?? '')].length >= SUBSTRING_MIN_CHARS;
}

/** Narrows `qb` (staff as `alias`) to the people the search text matches; blank text changes nothing. */
export function whereSearchMatches(qb: WhereExpressionBuilder, alias: string, text: string | undefined, postgres: boolean): void {
  const search = text?.trim().toLowerCase() ?? '';
  if (!search) return;
  if (matchesAnywhere(search)) {
    if (postgres) {
      qb.andWhere(
        `(LOWER(${alias}.first_name || ' ' || ${alias}.last_name) LIKE :searchAnywhere
          OR LOWER(${alias}.email) LIKE :searchAnywhere OR LOWER(${alias}.employee_ref) LIKE :searchAnywhere)`,
        { searchAnywhere: `%${escapeLike(search)}%` },
      );
    } else {
      // One phrase of the whole text: with the trigram tokenizer, exactly "contains this text".
      qb.andWhere(`${alias}.id IN (SELECT rowid FROM staff_search WHERE staff_search MATCH :searchPhrase)`, {
        searchPhrase: `{name email employee_ref} : "${search.replace(/"/g, '""')}"`,
      });
    }
    return;
  }
  const params = { searchStart: `${escapeLike(search)}%`, searchLo: search, searchHi: nextPrefix(search) };
  qb.andWhere(
    new Brackets((w) => {
      PREFIX_COLUMNS.forEach((column, i) => {
        // PostgreSQL: LIKE 'ab%' (text_pattern_ops); SQLite, whose LIKE ignores case and so no index: a range.
        const starts = postgres ? `LOWER(${alias}.${column}) LIKE :searchStart` : `(LOWER(${alias}.${column}) >= :searchLo AND LOWER(${alias}.${column}) < :searchHi)`;
        if (i === 0) w.where(starts, params);
        else w.orWhere(starts, params);
      });
    }),
  );
}

/** Text for LIKE that matches itself only (PostgreSQL's LIKE escapes with a backslash). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The least text after every text starting with `prefix` (its last character moved on by one). */
function nextPrefix(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop()!;
  return chars.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}
