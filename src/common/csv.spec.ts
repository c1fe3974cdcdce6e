import { parse } from 'csv-parse/sync';
import { toCsv } from './csv';

describe('toCsv', () => {
  const read = (text: string) => parse(text.replace(/^\ufeff/, '')) as string[][];

  it('writes a header and rows, numbers as numbers and null as empty', () => {
    expect(read(toCsv(['name', 'count', 'pct'], [['Team A', 3, null]]))).toEqual([
      ['name', 'count', 'pct'],
      ['Team A', '3', ''],
    ]);
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(read(toCsv(['name'], [['Smith, "Jo"\nBloggs']]))[1]).toEqual(['Smith, "Jo"\nBloggs']);
  });

  it.each(['=SUM(A1)', '+44 1234', '-1+1', '@cmd', '\tx', '\rx'])('makes %j open as text, not a formula', (value) => {
    expect(read(toCsv(['v'], [[value]]))[1][0]).toBe(`'${value}`);
  });

  it('leaves negative numbers as numbers', () => expect(read(toCsv(['v'], [[-2]]))[1][0]).toBe('-2'));

  it('starts with a byte order mark so spreadsheets read UTF-8', () => expect(toCsv(['é'], []).startsWith('\ufeffé')).toBe(true));
});
