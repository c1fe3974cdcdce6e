import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../common/csv-safe';
import type { RowError } from './import-outcome';

/** The CSV of an import's errors, a page of rows at a time; cells are made safe to open in Excel. */
export async function* errorsCsv(pages: AsyncIterable<RowError[]>): AsyncGenerator<string> {
  yield '\uFEFF' + stringify([['row', 'column', 'value', 'reason']]);
  for await (const page of pages) {
    yield stringify(page.map((e) => [e.row, safeCell(e.column), safeCell(e.value), safeCell(e.reason)]));
  }
}
