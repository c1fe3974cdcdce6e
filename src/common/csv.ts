import { stringify } from 'csv-stringify/sync';
import { safeCell } from './csv-safe';

export { safeCell };

export type CsvValue = string | number | boolean | null | undefined;

/** Excel reads a CSV as UTF-8 only when it starts with a byte order mark. */
export const CSV_BOM = '\ufeff';

/**
 * Every cell quoted, empty ones too, so a spreadsheet that splits on another character (`;` in
 * much of Europe) still sees one cell and cannot start a formula in the middle of it.
 */
const CSV_OPTIONS = { quoted: true, quoted_empty: true, record_delimiter: '\r\n' } as const;

/** A value as written to a CSV: text through safeCell (formula-injection safe), numbers as numbers, empty for null. */
export function csvCell(v: CsvValue): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return safeCell(v);
}

/** Lines of CSV (no byte order mark): for files written a page of rows at a time. */
export function csvLines(rows: CsvValue[][]): string {
  return stringify(rows.map((r) => r.map(csvCell)), CSV_OPTIONS);
}

/**
 * A CSV file for people to open in a spreadsheet: a header row, then the rows, every cell
 * quoted and made safe by csvCell. With a BOM so Excel reads UTF-8 names correctly. Every CSV
 * the tracker writes goes through here or csvLines.
 */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return CSV_BOM + csvLines([header, ...rows]);
}
