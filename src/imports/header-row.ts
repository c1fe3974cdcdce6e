import { FileRefused } from './sheet-limits';
import { isBlankRow } from './import-outcome';
import type { Cell, SheetRow } from './sheet-reader';

/** Rows looked at for the header: report titles and filters above it rarely take more than a few. */
export const HEADER_SEARCH_ROWS = 30;

export interface HeaderChoice {
  header: SheetRow;
  how: 'detected' | 'given';
  /** Non-blank rows above the header, passed over (a report's title and filters). */
  rowsAbove: number[];
  /** Rows just below the header that repeat it as labels (SuccessFactors' second header row), passed over. */
  labelRows: number[];
  /** The first rows of the file, to choose another header row from. */
  candidates: { row: number; text: string }[];
  /** Rows read ahead after the header, to be processed before the rest of the file. */
  ahead: SheetRow[];
}

const textOf = (c: Cell) => (c === null ? '' : String(c).trim());
const compact = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const filled = (cells: Cell[]) => cells.filter((c) => textOf(c) !== '').length;

/**
 * Finds the header row: the one of the first rows where most columns are recognised (by name,
 * by the mapping sent or remembered, by a known source), else the first row about as wide as the
 * widest; or the row the user chose. Rows above it are passed over, and so is a row below it that
 * only repeats the header as labels ("User ID" under "USERID").
 */
export async function chooseHeader(
  rows: AsyncGenerator<SheetRow>,
  recognised: (headers: string[]) => number,
  fieldOf: (header: string) => string | null,
  givenRow: number | null,
): Promise<HeaderChoice | null> {
  const seen: SheetRow[] = [];
  let next = await rows.next();
  for (; !next.done; next = await rows.next()) {
    if (isBlankRow(next.value.cells)) continue;
    seen.push(next.value);
    if (givenRow !== null ? next.value.row >= givenRow + 2 : seen.length >= HEADER_SEARCH_ROWS) break;
  }
  if (seen.length === 0) return null;
  const candidates = seen.slice(0, 10).map((r) => ({ row: r.row, text: r.cells.map(textOf).filter(Boolean).join(' | ').slice(0, 120) }));

  let index: number;
  if (givenRow !== null) {
    index = seen.findIndex((r) => r.row === givenRow);
    if (index < 0) throw new FileRefused(`row ${givenRow} is blank or not in the file: choose the row that holds the column headers`);
  } else {
    index = detect(seen, recognised);
  }
  const header = seen[index];
  const labelRows: number[] = [];
  let after = index + 1;
  while (after < seen.length && labelRows.length < 2 && repeatsHeader(header.cells, seen[after].cells, fieldOf)) labelRows.push(seen[after++].row);
  const ahead = seen.slice(after);
  return {
    header,
    how: givenRow !== null ? 'given' : 'detected',
    rowsAbove: seen.slice(0, index).map((r) => r.row),
    labelRows,
    candidates,
    ahead: ahead.filter((r) => !isBlankRow(r.cells)),
  };
}

function detect(seen: SheetRow[], recognised: (headers: string[]) => number): number {
  let best = -1;
  let bestScore = 1;
  seen.forEach((r, i) => {
    const score = recognised(r.cells.map(textOf));
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  if (best >= 0) return best;
  // Nothing recognised (the mapping step follows): the first row about as wide as the widest.
  const widest = Math.max(...seen.map((r) => filled(r.cells)));
  const wide = seen.findIndex((r) => filled(r.cells) >= Math.max(2, Math.ceil(widest / 2)));
  return wide >= 0 ? wide : 0;
}

function repeatsHeader(header: Cell[], row: Cell[], fieldOf: (header: string) => string | null): boolean {
  let cells = 0;
  let same = 0;
  row.forEach((c, i) => {
    const text = textOf(c);
    if (text === '') return;
    cells++;
    const above = textOf(header[i] ?? null);
    if (above === '') return;
    if (compact(text) === compact(above)) same++;
    else {
      const field = fieldOf(text);
      if (field !== null && field === fieldOf(above)) same++;
    }
  });
  return cells >= 2 && same / cells >= 0.6;
}
