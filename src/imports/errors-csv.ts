import { CSV_BOM, csvLines } from '../common/csv';
import type { RowError } from './import-outcome';

/**
 * The CSV of an import's errors, a page of rows at a time; cells are quoted and made safe to open
 * in Excel. When only the first errors were kept, a last line says so (`note`).
 */
export async function* errorsCsv(pages: AsyncIterable<RowError[]>, note: string | null = null): AsyncGenerator<string> {
  yield CSV_BOM + csvLines([['row', 'column', 'value', 'reason']]);
  for await (const page of pages) {
    yield csvLines(page.map((e) => [e.row, e.column, e.value, e.reason]));
  }
  if (note) yield csvLines([['', '', '', note]]);
}
