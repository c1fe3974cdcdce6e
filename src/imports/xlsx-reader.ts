import { SaxesParser, SaxesTagPlain } from 'saxes';
import * as unzipper from 'unzipper';
import type { Readable } from 'node:stream';
import { Cell, FileRefused, SheetLimits, SheetRow } from './sheet-limits';

/**
 * The first sheet of an XLSX workbook, read from the zip's central directory rather than as a
 * stream of entries in file order. ExcelJS's streaming reader walks the entries in the order they
 * were zipped and stops at the zip stream's 'end', which unzipper emits as soon as the last bytes
 * are written in, while small entries it has already parsed still wait unread in its buffer: when
 * the reader falls a few milliseconds behind (a busy server), xl/sharedStrings.xml or
 * xl/workbook.xml that come after the sheet are silently skipped and every text cell reads as
 * "[object Object]" (issue 13: the header "intermittently not read"). Here the workbook, its
 * relationships and the shared strings are read first, by name, then the sheet; sizes are checked
 * from the directory before anything is inflated, and again while inflating (a directory can lie).
 */
export async function openXlsx(path: string, limits: SheetLimits): Promise<{ date1904: boolean; rows: AsyncGenerator<SheetRow> }> {
  let directory: unzipper.CentralDirectory;
  try {
    directory = await unzipper.Open.file(path);
  } catch {
    throw new FileRefused('this .xlsx file is not a valid Excel workbook (its zip directory cannot be read): open it in Excel and save it again');
  }
  const entries = new Map(directory.files.map((f) => [f.path.replace(/^\//, ''), f]));
  const workbookEntry = entries.get('xl/workbook.xml');
  if (!workbookEntry) throw new FileRefused('this is a zip file but not an Excel workbook: upload a .xlsx or .csv file');

  const budget = new InflateBudget(limits.maxXlsxBytes);
  const workbookXml = await readText(workbookEntry, budget, 20 * 1024 * 1024);
  const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
  const rels = relsEntry ? relationships(await readText(relsEntry, budget, 20 * 1024 * 1024)) : new Map<string, { target: string; type: string }>();
  const { date1904, firstSheetRel } = workbookFacts(workbookXml);

  const target = (firstSheetRel && rels.get(firstSheetRel)?.target) || 'worksheets/sheet1.xml';
  const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  const sheetEntry = entries.get(sheetPath) ?? [...entries.values()].find((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.path));
  if (!sheetEntry) throw new FileRefused('the workbook has no sheet to read: save it again from Excel');
  const stringsTarget = [...rels.values()].find((r) => r.type.endsWith('/sharedStrings'))?.target ?? 'sharedStrings.xml';
  const stringsEntry = entries.get(stringsTarget.startsWith('/') ? stringsTarget.slice(1) : `xl/${stringsTarget}`);

  // Checked before inflating: what the directory says the sheet and its strings hold.
  const declared = sheetEntry.uncompressedSize + (stringsEntry?.uncompressedSize ?? 0);
  if (declared > limits.maxXlsxBytes) throw tooLarge(limits);

  const sharedStrings = stringsEntry ? await readSharedStrings(stringsEntry, budget, limits) : [];
  return { date1904, rows: sheetRows(sheetEntry, sharedStrings, budget, limits) };
}

function tooLarge(limits: SheetLimits): FileRefused {
  const mb = limits.maxXlsxBytes / 1024 / 1024;
  const size = mb >= 1 ? `${Math.round(mb).toLocaleString('en-GB')} MB` : `${Math.round(limits.maxXlsxBytes / 1024)} KB`;
  return new FileRefused(`the workbook's sheet unpacks to more than ${size}, the most the tracker reads: save it as CSV, or split it into smaller files`);
}

/** Counts the bytes inflated from the workbook, and stops at the limit whatever the directory said. */
class InflateBudget {
  private used = 0;
  constructor(private readonly max: number) {}
  take(bytes: number, limits?: SheetLimits): void {
    this.used += bytes;
    if (this.used > this.max) throw limits ? tooLarge(limits) : new FileRefused('the workbook unpacks to more than the tracker reads: save it as CSV');
  }
}

async function* inflated(entry: unzipper.File, budget: InflateBudget, limits?: SheetLimits): AsyncGenerator<string> {
  const stream = entry.stream() as Readable;
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      budget.take(chunk.length, limits);
      yield decoder.decode(chunk, { stream: true });
    }
    yield decoder.decode();
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    throw new FileRefused(`the workbook could not be read (${entry.path}: ${(error as Error).message}): open it in Excel and save it again`);
  } finally {
    stream.destroy();
  }
}

async function readText(entry: unzipper.File, budget: InflateBudget, max: number): Promise<string> {
  if (entry.uncompressedSize > max) throw new FileRefused(`the workbook's ${entry.path} is unusually large: save the workbook again from Excel`);
  let text = '';
  for await (const part of inflated(entry, budget)) {
    text += part;
    if (text.length > max) throw new FileRefused(`the workbook's ${entry.path} is unusually large: save the workbook again from Excel`);
  }
  return text;
}

function parserFor(name: string): SaxesParser {
  const parser = new SaxesParser();
  parser.on('error', (error) => {
    throw new FileRefused(`the workbook could not be read (${name}: ${error.message}): open it in Excel and save it again`);
  });
  return parser;
}

function attributesOf(xml: string, tag: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const parser = parserFor(tag);
  parser.on('opentag', (node: SaxesTagPlain) => {
    if (localName(node.name) === tag) out.push(node.attributes as Record<string, string>);
  });
  parser.write(xml).close();
  return out;
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function relationships(xml: string): Map<string, { target: string; type: string }> {
  return new Map(attributesOf(xml, 'Relationship').map((a) => [a.Id, { target: a.Target ?? '', type: a.Type ?? '' }]));
}

function workbookFacts(xml: string): { date1904: boolean; firstSheetRel: string | null } {
  const pr = attributesOf(xml, 'workbookPr')[0] ?? {};
  const sheets = attributesOf(xml, 'sheet');
  const first = sheets[0];
  const rel = first ? (Object.entries(first).find(([k]) => localName(k) === 'id' && k !== 'sheetId')?.[1] ?? null) : null;
  return { date1904: pr.date1904 === '1' || pr.date1904 === 'true', firstSheetRel: rel };
}

/** Every shared string, rich text runs joined; phonetic guides (rPh) are left out, as Excel shows them. */
async function readSharedStrings(entry: unzipper.File, budget: InflateBudget, limits: SheetLimits): Promise<string[]> {
  const strings: string[] = [];
  const parser = parserFor(entry.path);
  let current: string | null = null;
  let inText = false;
  let inPhonetic = false;
  parser.on('opentag', (node) => {
    const name = localName(node.name);
    if (name === 'si') current = '';
    else if (name === 'rPh') inPhonetic = true;
    else if (name === 't' && !inPhonetic) inText = true;
  });
  parser.on('text', (text) => {
    if (inText && current !== null) current += text;
  });
  parser.on('closetag', (node) => {
    const name = localName(node.name);
    if (name === 't') inText = false;
    else if (name === 'rPh') inPhonetic = false;
    else if (name === 'si') {
      strings.push(current ?? '');
      current = null;
    }
  });
  for await (const part of inflated(entry, budget, limits)) parser.write(part);
  parser.close();
  return strings;
}

/** "AB12" -> 28 (1-based column of a cell reference). */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n;
}

async function* sheetRows(entry: unzipper.File, sharedStrings: string[], budget: InflateBudget, limits: SheetLimits): AsyncGenerator<SheetRow> {
  const parser = parserFor(entry.path);
  let ready: SheetRow[] = [];
  let rowNumber = 0;
  let cells: Cell[] | null = null;
  let cell: { column: number; type: string; value: string | null; formula: string | null; inline: string | null } | null = null;
  let nextColumn = 1;
  let capture: 'v' | 'f' | 't' | null = null;
  let inInline = false;

  parser.on('opentag', (node) => {
    const name = localName(node.name);
    const a = node.attributes as Record<string, string>;
    if (name === 'row') {
      rowNumber = a.r ? Number(a.r) : rowNumber + 1;
      cells = [];
      nextColumn = 1;
    } else if (name === 'c' && cells) {
      const column = a.r ? columnOf(a.r) : nextColumn;
      nextColumn = column + 1;
      cell = { column, type: a.t ?? 'n', value: null, formula: null, inline: null };
    } else if (cell && name === 'v') {
      capture = 'v';
      cell.value = '';
    } else if (cell && name === 'f') {
      capture = 'f';
      cell.formula = '';
    } else if (cell && name === 'is') {
      inInline = true;
      cell.inline = '';
    } else if (cell && inInline && name === 't') capture = 't';
    else if (cell && inInline && name === 'rPh') inInline = false;
  });
  parser.on('text', (text) => {
    if (!cell || capture === null) return;
    if (capture === 'v') cell.value += text;
    else if (capture === 'f') cell.formula += text;
    else cell.inline += text;
  });
  parser.on('closetag', (node) => {
    const name = localName(node.name);
    if (name === 'v' || name === 'f' || name === 't') capture = null;
    else if (name === 'is') inInline = false;
    else if (name === 'c' && cell && cells) {
      const value = cellValue(cell, sharedStrings);
      if (value !== null) {
        if (cell.column > limits.maxColumns) {
          throw new FileRefused(`row ${rowNumber} has a value in column ${cell.column}: a file may have at most ${limits.maxColumns} columns`);
        }
        if (typeof value === 'string' && value.length > limits.maxCellChars) {
          throw new FileRefused(`row ${rowNumber}, column ${cell.column} holds ${value.length.toLocaleString('en-GB')} characters: a cell may hold at most ${limits.maxCellChars.toLocaleString('en-GB')}`);
        }
        while (cells.length < cell.column - 1) cells.push(null);
        cells[cell.column - 1] = value;
      }
      cell = null;
    } else if (name === 'row' && cells) {
      ready.push({ row: rowNumber, cells });
      cells = null;
    }
  });

  for await (const part of inflated(entry, budget, limits)) {
    parser.write(part);
    if (ready.length > 0) {
      const batch = ready;
      ready = [];
      yield* batch;
    }
  }
  parser.close();
  yield* ready;
}

/** What a person sees in the cell: text, or a number (dates are serial numbers); formulas give their saved result, never run. */
function cellValue(c: { type: string; value: string | null; formula: string | null; inline: string | null }, sharedStrings: string[]): Cell {
  if (c.type === 'inlineStr') return c.inline ?? c.value;
  if (c.value === null || c.value === '') return c.formula !== null && c.formula !== '' ? `=${c.formula}` : c.type === 'str' && c.value === '' ? '' : null;
  switch (c.type) {
    case 's':
      return sharedStrings[Number(c.value)] ?? null;
    case 'str':
      return c.value;
    case 'b':
      return c.value === '1' || c.value === 'true' ? 'TRUE' : 'FALSE';
    case 'e':
      return c.value;
    case 'd':
      return c.value.slice(0, 10);
    default: {
      const n = Number(c.value);
      return Number.isFinite(n) ? n : c.value;
    }
  }
}
