import { HttpStatus } from '@nestjs/common';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FieldError } from '../common/field-error';
import { Cell, DEFAULT_LIMITS, FileRefused, SheetLimits, SheetRow } from './sheet-limits';
import { openXlsx } from './xlsx-reader';

export type { Cell, SheetRow } from './sheet-limits';

export type SheetFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface SheetInfo {
  format: SheetFormat;
  /** csv only: UTF-8 (with or without a byte order mark), UTF-16 with its byte order mark, else Windows-1252. */
  encoding: TextEncoding | null;
  /** XLSX workbooks saved with the 1904 date system (old Macs) count serials from 1904. */
  date1904: boolean;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const HEAD_BYTES = 64 * 1024;

/** Other kinds of file people upload by mistake, by their first bytes. */
const OTHER_FORMATS: [Buffer, string][] = [
  [Buffer.from('%PDF'), 'a PDF document'],
  [Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'a PNG image'],
  [Buffer.from([0xff, 0xd8, 0xff]), 'a JPEG image'],
  [Buffer.from('GIF8'), 'a GIF image'],
  [Buffer.from([0x1f, 0x8b]), 'a gzip archive'],
  [Buffer.from('Rar!'), 'a RAR archive'],
  [Buffer.from([0x37, 0x7a, 0xbc, 0xaf]), 'a 7-Zip archive'],
  [Buffer.from('{\\rtf'), 'a Rich Text (RTF) document'],
];

/** CSV or XLSX, by content first (an .xlsx is a zip), then by name; old .xls and other files are refused. */
export async function detectFormat(path: string, fileName: string): Promise<{ format: SheetFormat; head: Buffer }> {
  const head = await readHead(path, HEAD_BYTES);
  if (head.length === 0) throw new FileRefused('the file is empty: it must have a header row and at least one row below it');
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return { format: 'xlsx', head };
  if (head.subarray(0, 4).equals(EMPTY_ZIP_MAGIC)) throw new FileRefused('this is an empty zip file, not an Excel workbook');
  if (head.subarray(0, 4).equals(OLE_MAGIC)) {
    throw new FieldError('file', 'this is an old Excel (.xls) workbook: save it as .xlsx or .csv and upload that', HttpStatus.BAD_REQUEST);
  }
  if (/\.xlsx$/i.test(fileName)) throw new FieldError('file', 'this .xlsx file is not a valid Excel workbook', HttpStatus.BAD_REQUEST);
  const other = OTHER_FORMATS.find(([magic]) => head.subarray(0, magic.length).equals(magic));
  if (other) throw new FileRefused(`this is ${other[1]}, neither CSV nor XLSX: export the list from your system as CSV or Excel (.xlsx)`);
  return { format: 'csv', head };
}

/** The text encoding of a CSV file: a byte order mark says so; else UTF-8 when the whole file is valid UTF-8, else Windows-1252. */
async function detectEncoding(path: string, head: Buffer): Promise<TextEncoding> {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.includes(0)) {
    // NUL bytes never occur in text a spreadsheet writes: UTF-16 without its mark, or not text at all.
    const alternate = head.subarray(0, 200).filter((b, i) => i % 2 === 1 && b === 0).length;
    if (alternate > 20) throw new FileRefused('the file looks like UTF-16 text without a byte order mark: save it as "CSV UTF-8" and upload that');
    throw new FileRefused('the file holds binary data, so it is neither CSV nor XLSX: export the list from your system as CSV or Excel (.xlsx)');
  }
  return (await isUtf8(path)) ? 'utf-8' : 'windows-1252';
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
 * The rows of a CSV file or of an XLSX workbook's first sheet, streamed one at a time, within the
 * limits (a cell, the columns of a row, an XLSX's unpacked size): beyond them the file is refused.
 * The delimiter of a CSV is found from its first lines (title rows above the header included).
 */
export async function openSheet(
  path: string,
  fileName: string,
  limits: SheetLimits = DEFAULT_LIMITS,
): Promise<{ info: SheetInfo; rows: AsyncGenerator<SheetRow> }> {
  const { format, head } = await detectFormat(path, fileName);
  if (format === 'xlsx') {
    const { date1904, rows } = await openXlsx(path, limits);
    return { info: { format, encoding: null, date1904 }, rows };
  }
  const encoding = await detectEncoding(path, head);
  const delimiter = sniffDelimiter(decode(head, encoding));
  return { info: { format, encoding, date1904: false }, rows: csvRows(path, encoding, delimiter, limits) };
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
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

function decode(bytes: Buffer, encoding: TextEncoding): string {
  return iconv.decode(bytes, encoding === 'windows-1252' ? 'win1252' : encoding);
}

/**
 * Comma unless semicolons or tabs are more common (some European Excel settings, "Unicode text"):
 * judged on the busiest of the first lines, so a report title above the header does not decide it.
 */
function sniffDelimiter(head: string): string {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/).slice(0, 30);
  let best: [string, number] = [',', 0];
  for (const d of [',', ';', '\t']) {
    const most = Math.max(0, ...lines.map((l) => l.split(d).length - 1));
    if (most > best[1]) best = [d, most];
  }
  return best[0];
}

async function* csvRows(path: string, encoding: TextEncoding, delimiter: string, limits: SheetLimits): AsyncGenerator<SheetRow> {
  const source: Readable = createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoded = (encoding === 'utf-8' ? source : source.pipe(iconv.decodeStream(encoding === 'windows-1252' ? 'win1252' : encoding))) as Readable;
  const parser = decoded.pipe(
    parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      encoding: 'utf8',
      // A runaway quote would otherwise gather the rest of the file into one row held in memory.
      max_record_size: limits.maxCellChars * limits.maxColumns,
    }),
  );
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      checkRow(row, record, limits);
      yield { row, cells: record };
    }
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    const code = (error as { code?: string }).code;
    // csv-parse reads ahead of the rows handed out: its own count says where it stopped.
    const at = (error as { records?: number }).records;
    if (typeof at === 'number') row = Math.max(row, at);
    if (code === 'CSV_MAX_RECORD_SIZE') {
      const most = (limits.maxCellChars * limits.maxColumns).toLocaleString('en-GB');
      throw new FileRefused(`row ${row + 1} holds more than ${most} characters (or a quote in it is never closed): a cell may hold at most ${limits.maxCellChars.toLocaleString('en-GB')}`);
    }
    throw new FileRefused(`the file could not be read as CSV near row ${row + 1}: ${(error as Error).message}`);
  } finally {
    source.destroy();
  }
}

function checkRow(row: number, cells: Cell[], limits: SheetLimits): void {
  if (cells.length > limits.maxColumns) {
    let last = cells.length;
    while (last > 0 && (cells[last - 1] === '' || cells[last - 1] === null)) last--;
    if (last > limits.maxColumns) throw new FileRefused(`row ${row} has ${last} columns: a file may have at most ${limits.maxColumns}`);
  }
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (typeof c === 'string' && c.length > limits.maxCellChars) {
      throw new FileRefused(`row ${row}, column ${i + 1} holds ${c.length.toLocaleString('en-GB')} characters: a cell may hold at most ${limits.maxCellChars.toLocaleString('en-GB')}`);
    }
  }
}
