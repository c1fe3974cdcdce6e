import { parse } from 'csv-parse/sync';
import { csvLines, toCsv } from './csv';

describe('toCsv', () => {
  const read = (text: string, delimiter = ',') => parse(text.replace(/^\ufeff/, ''), { delimiter }) as string[][];

  it('writes a header and rows, numbers as numbers and null as empty', () => {
    expect(read(toCsv(['name', 'count', 'pct'], [['Team A', 3, null]]))).toEqual([
      ['name', 'count', 'pct'],
      ['Team A', '3', ''],
    ]);
  });

  it('quotes every cell, the header and empty cells too, with CRLF line ends', () => {
    expect(toCsv(['name', 'count', 'note'], [['Team A', 3, null], ['', -2, 'ok']])).toBe(
      '\ufeff"name","count","note"\r\n"Team A","3",""\r\n"","-2","ok"\r\n',
    );
  });

  it('keeps a cell whole for a spreadsheet that splits on ";", so no formula can start mid-cell', () => {
    const text = toCsv(['v'], [['Leeds;=HYPERLINK("http://evil.example")']]);
    expect(text).toContain('"Leeds;=HYPERLINK(""http://evil.example"")"');
    expect(read(text, ';')[1]).toEqual(['Leeds;=HYPERLINK("http://evil.example")']);
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(read(toCsv(['name'], [['Smith, "Jo"\nBloggs']]))[1]).toEqual(['Smith, "Jo"\nBloggs']);
  });

  it.each(['=SUM(A1)', '+44 1234', '-1+1', '@cmd', '\tx', '\rx'])('makes %j open as text, not a formula', (value) => {
    expect(read(toCsv(['v'], [[value]]))[1][0]).toBe(`'${value}`);
  });

  it('makes header cells safe too', () => expect(read(toCsv(['=cmd'], []))[0][0]).toBe(`'=cmd`));

  it('leaves negative numbers as numbers', () => expect(read(toCsv(['v'], [[-2]]))[1][0]).toBe('-2'));

  it('writes booleans as yes and no', () => expect(read(toCsv(['a', 'b'], [[true, false]]))[1]).toEqual(['yes', 'no']));

  it('starts with a byte order mark so spreadsheets read UTF-8', () => expect(toCsv(['é'], []).startsWith('\ufeff"é"')).toBe(true));
});

describe('csvLines', () => {
  it('writes pages of rows with no byte order mark, quoted like toCsv', () => {
    expect(csvLines([[1, null, '=x']])).toBe('"1","","\'=x"\r\n');
  });
});
