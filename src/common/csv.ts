import { stringify } from 'csv-stringify/sync';
import { safeCell } from './csv-safe';

export { safeCell };

export type CsvValue = string | number | boolean | null | undefined;

/**
 * A CSV file for people to open in a spreadsheet: a header row, then the rows, every text cell
 * through safeCell (formula-injection safe), numbers as numbers, empty for null. With a BOM so
 * Excel reads UTF-8 names correctly.
 */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  const cell = (v: CsvValue): string | number => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? v : '';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return safeCell(v);
  };
  return '\ufeff' + stringify([header.map(cell), ...rows.map((r) => r.map(cell))], { record_delimiter: '\r\n' });
}
