import { FieldError } from '../common/field-error';

/** A cell as read: text, or a number from a numeric XLSX cell (an Excel date is a serial number). */
export type Cell = string | number | null;

/** One row of the first sheet, numbered as a spreadsheet shows it. */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

/** What a file may hold: beyond these it is refused whole, naming the row or the limit, and nothing is written. */
export interface SheetLimits {
  /** Data rows (blank rows are not counted). */
  maxRows: number;
  maxColumns: number;
  maxCellChars: number;
  /** What an XLSX sheet and its strings may unpack to, in bytes: checked before inflating, and while inflating. */
  maxXlsxBytes: number;
}

export const DEFAULT_LIMITS: SheetLimits = { maxRows: 1_000_000, maxColumns: 500, maxCellChars: 10_000, maxXlsxBytes: 1024 * 1024 * 1024 };

/** A file the tracker will not read (422), with the reason in plain words. */
export class FileRefused extends FieldError {
  constructor(reason: string) {
    super('file', reason);
  }
}
