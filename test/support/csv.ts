import { parse } from 'csv-parse/sync';

/**
 * A downloaded CSV read as a spreadsheet would: its byte order mark dropped, every record parsed
 * (cells are all quoted in the file) and joined with commas again, so expectations read like the
 * table. Quotes inside a cell come back unescaped: `'=HYPERLINK("x")`.
 */
export function csvLines(text: string): string[] {
  return (parse(text.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][]).map((cells) => cells.join(','));
}

/** Every record of the CSV has every cell in double quotes (empty ones too). */
export function everyCellQuoted(text: string): boolean {
  const records = parse(text.replace(/^\ufeff/, ''), { raw: true, relax_column_count: true }) as unknown as { raw: string }[];
  return records.length > 0 && records.every(({ raw }) => /^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*\r?\n?$/.test(raw));
}
