import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSheet, SheetRow } from './sheet-reader';

describe('openSheet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sheet-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: Buffer | string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const read = async (path: string, name = 'x.csv') => {
    const { info, rows } = await openSheet(path, name);
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
});
