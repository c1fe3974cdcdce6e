import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from './sheet-limits';
import { openSheet, SheetRow } from './sheet-reader';

describe('openSheet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sheet-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: Buffer | string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const read = async (path: string, name = 'x.csv', limits = DEFAULT_LIMITS) => {
    const { info, rows } = await openSheet(path, name, limits);
    const all: SheetRow[] = [];
    for await (const row of rows) all.push(row);
    return { info, rows: all };
  };

  it('numbers CSV rows as a spreadsheet does, blank lines and quoted line breaks included', async () => {
    const { rows, info } = await read(file('a.csv', 'a,b\r\n\r\n"one\r\ntwo",=SUM(A1)\r\n'));
    expect(info).toEqual({ format: 'csv', encoding: 'utf-8', date1904: false });
    expect(rows).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: [''] },
      { row: 3, cells: ['one\r\ntwo', '=SUM(A1)'] },
    ]);
  });

  it('drops a UTF-8 byte order mark and reads Windows-1252 when the file is not UTF-8', async () => {
    expect((await read(file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name\nZoë\n')])))).rows).toEqual([
      { row: 1, cells: ['name'] },
      { row: 2, cells: ['Zoë'] },
    ]);
    const cp1252 = await read(file('win.csv', iconv.encode('name\r\nSeán – “quoted”\r\n', 'win1252')));
    expect(cp1252.info.encoding).toBe('windows-1252');
    expect(cp1252.rows[1].cells).toEqual(['Seán – “quoted”']);
  });

  it('finds a semicolon or tab delimiter from the header line', async () => {
    expect((await read(file('semi.csv', 'a;b\n1;2\n'))).rows[1].cells).toEqual(['1', '2']);
    expect((await read(file('tab.csv', 'a\tb\n1\t2\n'))).rows[1].cells).toEqual(['1', '2']);
  });

  it('refuses a CSV it cannot parse, and an old .xls workbook, with a message to act on', async () => {
    await expect(read(file('bad.csv', 'a,b\n"never closed,2\n'))).rejects.toThrow(/could not be read as CSV/);
    await expect(openSheet(file('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0])), 'old.xls')).rejects.toThrow(/save it as .xlsx or .csv/);
    await expect(openSheet(file('fake.xlsx', 'not a zip'), 'fake.xlsx')).rejects.toThrow(/not a valid Excel workbook/);
  });

  it('reads the first sheet of a workbook: dates as serial numbers, formulas as their results', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('First');
    sheet.addRow(['ref', 'when', 'formula', 'rich']);
    sheet.addRow(['E1', new Date(Date.UTC(2024, 1, 29)), { formula: 'HYPERLINK("http://x","y")', result: 'y' }, { richText: [{ text: 'Rich ' }, { text: 'text' }] }]);
    sheet.addRow([]);
    sheet.addRow([12345, 45000, { formula: '1+1' }, true]);
    workbook.addWorksheet('Second').addRow(['ignored']);
    const path = file('book.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    const { rows, info } = await read(path, 'book.xlsx');
    expect(info.format).toBe('xlsx');
    expect(rows).toEqual([
      { row: 1, cells: ['ref', 'when', 'formula', 'rich'] },
      { row: 2, cells: ['E1', 45351, 'y', 'Rich text'] },
      { row: 4, cells: [12345, 45000, '=1+1', 'TRUE'] },
    ]);
  });

  it('reads UTF-16 files with their byte order mark, little and big endian (Excel and Moodle "Unicode text")', async () => {
    const text = 'employee_ref\tfirst_name\r\nE1\tZoë\r\n';
    const le = await read(file('le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])));
    expect(le.info.encoding).toBe('utf-16le');
    expect(le.rows).toEqual([
      { row: 1, cells: ['employee_ref', 'first_name'] },
      { row: 2, cells: ['E1', 'Zoë'] },
    ]);
    const be = await read(file('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')])));
    expect(be.info.encoding).toBe('utf-16be');
    expect(be.rows[1].cells).toEqual(['E1', 'Zoë']);
  });

  it('says a file is neither CSV nor XLSX: binary data, a PDF, an empty file', async () => {
    await expect(read(file('bin.csv', Buffer.from([0x01, 0x00, 0x9c, 0x00, 0x00, 0x13, 0x37])))).rejects.toThrow(/binary data, so it is neither CSV nor XLSX/);
    await expect(read(file('doc.csv', '%PDF-1.7 ...'))).rejects.toThrow(/a PDF document, neither CSV nor XLSX/);
    await expect(read(file('empty.csv', ''))).rejects.toThrow(/the file is empty/);
  });

  it('refuses a cell over the limit and a row with too many columns, naming the row', async () => {
    await expect(read(file('cell.csv', `a,b\n1,${'x'.repeat(10_001)}\n`))).rejects.toThrow(/row 2, column 2 holds 10,001 characters: a cell may hold at most 10,000/);
    await expect(read(file('wide.csv', `a,b\n${Array.from({ length: 501 }, (_, i) => i).join(',')}\n`))).rejects.toThrow(/row 2 has 501 columns: a file may have at most 500/);
  });

  /** A workbook re-zipped in Excel's own order: the sheet first, shared strings and the workbook after it. */
  const excelOrdered = async (rows: unknown[][]) => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Staff');
    for (const r of rows) sheet.addRow(r);
    const source = await JSZip.loadAsync(Buffer.from(await workbook.xlsx.writeBuffer()));
    const order = ['[Content_Types].xml', '_rels/.rels', 'xl/worksheets/sheet1.xml', 'xl/theme/theme1.xml', 'xl/styles.xml', 'xl/sharedStrings.xml', 'docProps/app.xml', 'docProps/core.xml', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml'];
    const zip = new JSZip();
    for (const name of order) zip.file(name, await source.file(name)!.async('nodebuffer'));
    return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  };

  it('reads shared strings and the workbook whatever their place in the zip, every time', async () => {
    const path = file('ordered.xlsx', await excelOrdered([['Employee Number', 'Forename'], ['E1', 'Zoë']]));
    for (let i = 0; i < 20; i++) {
      expect((await read(path, 'ordered.xlsx')).rows).toEqual([
        { row: 1, cells: ['Employee Number', 'Forename'] },
        { row: 2, cells: ['E1', 'Zoë'] },
      ]);
    }
  });

  it('refuses a workbook that would unpack beyond the limit before inflating it', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [`E${i}`, 'the same long text '.repeat(20)]);
    const path = file('big.xlsx', await excelOrdered(rows));
    await expect(read(path, 'big.xlsx', { ...DEFAULT_LIMITS, maxXlsxBytes: 100_000 })).rejects.toThrow(/unpacks to more than 98 KB/);
    expect((await read(path, 'big.xlsx')).rows).toHaveLength(2000);
  });
});
