import { BadRequestException } from '@nestjs/common';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** A cell as read: text, or a number from a numeric XLSX cell (an Excel date is a serial number). */
export type Cell = string | number | null;

/** One row of the first sheet, numbered as a spreadsheet shows it (the header is usually row 1). */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export type SheetFormat = 'csv' | 'xlsx';

export interface SheetInfo {
  format: SheetFormat;
  /** csv only: 'utf-8' (with or without a byte order mark) or 'windows-1252'. */
  encoding: 'utf-8' | 'windows-1252' | null;
  /** XLSX workbooks saved with the 1904 date system (old Macs) count serials from 1904. */
  date1904: boolean;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** CSV or XLSX, by content first (an .xlsx is a zip), then by name; old .xls files are refused. */
export async function detectFormat(path: string, fileName: string): Promise<SheetFormat> {
  const head = await readHead(path, 4);
  if (head.length === 4 && head.equals(ZIP_MAGIC)) return 'xlsx';
  if (head.length === 4 && head.equals(OLE_MAGIC)) {
    throw new BadRequestException('file: this is an old Excel (.xls) workbook: save it as .xlsx or .csv and upload that');
  }
  if (/\.xlsx$/i.test(fileName)) throw new BadRequestException('file: this .xlsx file is not a valid Excel workbook');
  return 'csv';
}

/** Whether the whole file is valid UTF-8, checked as a stream so a large file is never held in memory. */
export async function isUtf8(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/**
 * The rows of a CSV file or of an XLSX workbook's first sheet, streamed one at a time.
 * CSV is read as UTF-8 when it is valid UTF-8 (a byte order mark is dropped), else as
 * Windows-1252 (what Excel on Windows saves as "CSV"); the delimiter is found from the first line.
 */
export async function openSheet(path: string, fileName: string): Promise<{ info: SheetInfo; rows: AsyncGenerator<SheetRow> }> {
  const format = await detectFormat(path, fileName);
  if (format === 'xlsx') {
    const info: SheetInfo = { format, encoding: null, date1904: false };
    return { info, rows: xlsxRows(path, info) };
  }
  const encoding = (await isUtf8(path)) ? 'utf-8' : 'windows-1252';
  const delimiter = await sniffDelimiter(path, encoding);
  return { info: { format, encoding, date1904: false }, rows: csvRows(path, encoding, delimiter) };
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Comma unless the first line has more semicolons or tabs (some European Excel settings). */
async function sniffDelimiter(path: string, encoding: string): Promise<string> {
  const head = iconv.decode(await readHead(path, 64 * 1024), encoding);
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}

async function* csvRows(path: string, encoding: string, delimiter: string): AsyncGenerator<SheetRow> {
  const source: Readable = createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoded = (encoding === 'utf-8' ? source : source.pipe(iconv.decodeStream(encoding))) as Readable;
  const parser = decoded.pipe(
    parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, encoding: 'utf8' }),
  );
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record };
    }
  } catch (error) {
    throw new BadRequestException(`file: the file could not be read as CSV near row ${row + 1}: ${(error as Error).message}`);
  } finally {
    source.destroy();
  }
}

async function* xlsxRows(path: string, info: SheetInfo): AsyncGenerator<SheetRow> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  // Styles are ignored on purpose: date cells then arrive as serial numbers, converted without time zones.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of reader) {
      info.date1904 = Boolean((reader as unknown as { properties?: { date1904?: boolean } }).properties?.date1904);
      for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
        yield { row: row.number, cells };
      }
      break; // the first sheet only
    }
  } catch (error) {
    if (error instanceof BadRequestException) throw error;
    throw new BadRequestException(`file: the workbook could not be read: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
}

/** What a person sees in the cell, as text (or a number): formulas give their saved result, never run. */
function cellValue(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; formula?: string; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.formula !== undefined) return v.result !== undefined && v.result !== null ? cellValue(v.result) : `=${v.formula}`;
    if (v.error !== undefined) return String(v.error);
    if (v.text !== undefined) return cellValue(v.text);
  }
  return String(value);
}
