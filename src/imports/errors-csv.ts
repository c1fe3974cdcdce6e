import { CSV_BOM, csvLines } from '../common/csv';
import type { RowError } from './import-outcome';

/** The CSV of an import's errors, a page of rows at a time; cells are quoted and made safe to open in Excel. */
export async function* errorsCsv(pages: AsyncIterable<RowError[]>): AsyncGenerator<string> {
  yield CSV_BOM + csvLines([['row', 'column', 'value', 'reason']]);
  for await (const page of pages) {
    yield csvLines(page.map((e) => [e.row, e.column, e.value, e.reason]));
  }
}
