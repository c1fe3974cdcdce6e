/**
 * CSV and XLSX downloads of the reports. Every text cell goes through the one shared safeCell
 * (src/common/csv-safe.ts) so a value such as "=HYPERLINK(...)" opens as text, never as a formula;
 * numbers stay numbers.
 */
import type { Response } from 'express';
import { CSV_BOM, csvLines, type CsvValue } from '../../common/csv';
import { safeCell } from '../../common/csv-safe';

export type CellKind = 'text' | 'number' | 'percent' | 'decimal' | 'date';

export interface SheetColumn {
  header: string;
  key: string;
  kind?: CellKind;
  /** Column width in characters, for XLSX. */
  width?: number;
}

export interface Sheet {
  /** Worksheet name (Excel allows 31 characters). */
  name: string;
  /** Lines written above the table in XLSX (report title, organisation, period). */
  heading?: string[];
  columns: SheetColumn[];
  rows: object[];
}

export interface ReportFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

/** One table as CSV (every cell quoted, see src/common/csv.ts), UTF-8 with a byte order mark so Excel reads names correctly. */
export function csvOf(sheet: Sheet): Buffer {
  const lines = [sheet.columns.map((c) => c.header), ...sheet.rows.map((r) => sheet.columns.map((c) => (r as Record<string, unknown>)[c.key] as CsvValue))];
  return Buffer.from(CSV_BOM + csvLines(lines), 'utf8');
}

const NUMBER_FORMATS: Partial<Record<CellKind, string>> = { number: '#,##0', percent: '0.0', decimal: '0.0' };

/** Several tables as worksheets of one workbook, with bold headers, frozen header rows and widths. */
export async function xlsxOf(sheets: Sheet[], title: string): Promise<Buffer> {
  // Loaded when a workbook is first asked for: it is large, and most servers and suites never write one.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Prevent training tracker';
  workbook.title = safeCell(title);
  workbook.created = new Date();
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
    for (const line of sheet.heading ?? []) ws.addRow([safeCell(line)]);
    if (sheet.heading?.length) {
      ws.getRow(1).font = { bold: true, size: 14 };
      ws.addRow([]);
    }
    const headerRow = ws.addRow(sheet.columns.map((c) => safeCell(c.header)));
    headerRow.font = { bold: true };
    headerRow.alignment = { wrapText: true, vertical: 'top' };
    for (const r of sheet.rows) {
      ws.addRow(
        sheet.columns.map((c) => {
          const value = (r as Record<string, unknown>)[c.key];
          if (value === null || value === undefined) return null;
          if (typeof value === 'number') return Number.isFinite(value) ? value : null;
          if (typeof value === 'boolean') return value ? 'yes' : 'no';
          return safeCell(value);
        }),
      );
    }
    sheet.columns.forEach((c, i) => {
      const column = ws.getColumn(i + 1);
      column.width = c.width ?? Math.min(40, Math.max(10, c.header.length + 2));
      const format = NUMBER_FORMATS[c.kind ?? 'text'];
      if (format) column.numFmt = format;
    });
    ws.views = [{ state: 'frozen', ySplit: headerRow.number }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function reportFile(format: 'csv' | 'xlsx', baseName: string, sheets: Sheet[], title: string): Promise<ReportFile> {
  const safeName = baseName.replace(/[^A-Za-z0-9._-]+/g, '-');
  if (format === 'csv') {
    // One CSV holds one table: the sheets are stacked, each row naming its table in the first column.
    return { filename: `${safeName}.csv`, contentType: 'text/csv; charset=utf-8', body: csvOf(sheets.length === 1 ? sheets[0] : stacked(sheets)) };
  }
  return {
    filename: `${safeName}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: await xlsxOf(sheets, title),
  };
}

/** Tables with the same columns, one after another, with a first column saying which table a row is from. */
function stacked(sheets: Sheet[]): Sheet {
  const columns: SheetColumn[] = [{ header: 'Table', key: '__table' }];
  for (const sheet of sheets) for (const c of sheet.columns) if (!columns.some((x) => x.key === c.key)) columns.push(c);
  return { name: 'Report', columns, rows: sheets.flatMap((s) => s.rows.map((r) => ({ __table: s.name, ...r }))) };
}

export function sendFile(res: Response, file: ReportFile): void {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.send(file.body);
}
