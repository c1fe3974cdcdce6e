import { excelSerialToIso, IsoDate } from '../common/dates';
import { readImportDate } from './import-dates';
import type { ImportField } from './import-columns';
import type { Cell } from './sheet-reader';

/** A problem on one row of a file: row as the spreadsheet numbers it, column as the file names it. */
export interface RowError {
  row: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** Errors kept in full for the record and the CSV of errors; beyond this only counted. */
export const MAX_KEPT_ERRORS = 100_000;
export const ROLE_CHANGES_KEPT = 500;

/** A person's roles before (null: a new person) and after a staff import. */
export interface RoleChange {
  row: number;
  employeeRef: string;
  name: string;
  before: string[] | null;
  after: string[];
}

/** What an import did (or, in a preview, would do) with the rows of a file. */
export class ImportOutcome {
  rows = 0;
  created = 0;
  updated = 0;
  unchanged = 0;
  duplicates = 0;
  leavers = 0;
  /** Rows left out on purpose: not completions ("In progress"), inactive people the tracker does not hold. */
  excluded = 0;
  /** Things to check before confirming (lost leading zeros, many leavers), in plain words. */
  readonly warnings: string[] = [];
  /** People whose roles a staff import sets or changes (the first ROLE_CHANGES_KEPT), and how many in all. */
  readonly roleChanges: RoleChange[] = [];
  roleChangeCount = 0;
  /** Organisation names in the file not yet linked to an organisation (the first 200). */
  readonly unlinkedNames = new Set<string>();
  /** Row numbers with at least one error. */
  readonly errorRows = new Set<number>();
  readonly errors: RowError[] = [];
  errorCount = 0;
  /** A problem with the file as a whole (missing columns, unreadable), if any. */
  fileProblem: string | null = null;

  addError(row: number, column: string | null, value: Cell | undefined, reason: string): void {
    this.errorRows.add(row);
    this.errorCount++;
    if (this.errors.length < MAX_KEPT_ERRORS) {
      const text = value === null || value === undefined ? null : String(value);
      this.errors.push({ row, column, value: text === '' ? null : text, reason });
    }
  }

  /** The write pass starts from the preview's errors: the rows it passes over keep them. */
  adopt(preview: ImportOutcome): void {
    for (const row of preview.errorRows) this.errorRows.add(row);
    for (const e of preview.errors) this.errors.push(e);
    this.errorCount = preview.errorCount;
  }

  get skipped(): number {
    return this.unchanged + this.duplicates + this.errorRows.size + this.excluded;
  }

  noteRoleChange(change: RoleChange): void {
    this.roleChangeCount++;
    if (this.roleChanges.length < ROLE_CHANGES_KEPT) this.roleChanges.push(change);
  }

  get counts(): ImportCounts {
    return {
      rows: this.rows,
      created: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      duplicates: this.duplicates,
      leavers: this.leavers,
      excluded: this.excluded,
      errorRows: this.errorRows.size,
      skipped: this.skipped,
    };
  }

  sortedErrors(): RowError[] {
    return [...this.errors].sort((a, b) => a.row - b.row);
  }
}

export interface ImportCounts {
  /** Data rows read (blank rows are ignored). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Completions already recorded, or given twice in the file. */
  duplicates: number;
  /** People marked as leavers because they were absent from the file. */
  leavers: number;
  /** Rows left out on purpose: not completions ("Not yet started", "In progress"), or inactive people not in the tracker. */
  excluded: number;
  /** Rows with at least one error. */
  errorRows: number;
  /** Rows not written: unchanged, duplicates, rows left out and rows with errors. */
  skipped: number;
}

/** Reads one row's cells by field, and names each field's column as the file does. */
export class RowReader {
  constructor(
    private readonly index: Partial<Record<ImportField, number>>,
    private readonly headers: string[],
    private readonly date1904: boolean,
    private readonly today: IsoDate,
  ) {}

  has(field: ImportField): boolean {
    return this.index[field] !== undefined;
  }

  /** The column's header as written in the file, for error messages. */
  column(field: ImportField): string {
    const i = this.index[field];
    return i === undefined ? field : this.headers[i]?.trim() || field;
  }

  raw(cells: Cell[], field: ImportField): Cell | undefined {
    const i = this.index[field];
    if (i === undefined) return undefined;
    return cells[i] ?? null;
  }

  /** Trimmed text; '' for an empty cell, undefined when the file has no such column. */
  text(cells: Cell[], field: ImportField): string | undefined {
    const value = this.raw(cells, field);
    if (value === undefined) return undefined;
    if (value === null) return '';
    return String(value).trim();
  }

  /** A date cell: an Excel serial from an XLSX date cell, or text in one of the accepted forms. */
  date(cells: Cell[], field: ImportField): { ok: true; date: IsoDate | null } | { ok: false; reason: string } {
    const value = this.raw(cells, field);
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { ok: true, date: null };
    if (typeof value === 'number') {
      try {
        return { ok: true, date: excelSerialToIso(this.date1904 ? value + 1462 : value) };
      } catch {
        return { ok: false, reason: `${value} is not a date` };
      }
    }
    return readImportDate(value, this.today);
  }
}

export function isBlankRow(cells: Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isEmail = (s: string) => EMAIL.test(s);
