import fc from 'fast-check';
import { inStatements, paddedList, sql, statementSizes } from './sql';

function fakeDb(type: 'postgres' | 'better-sqlite3') {
  const calls: [string, unknown[]][] = [];
  const db = { options: { type }, query: async (text: string, params: unknown[]) => (calls.push([text, params]), []) };
  return { db: db as never, calls };
}

describe('sql(): one placeholder style for both databases', () => {
  it('passes PostgreSQL text and parameters through unchanged', async () => {
    const { db, calls } = fakeDb('postgres');
    await sql(db, 'SELECT $1, $2, $1', ['a', 'b']);
    expect(calls).toEqual([['SELECT $1, $2, $1', ['a', 'b']]]);
  });

  it('turns $n into ? for SQLite, repeating values in the order they appear', async () => {
    const { db, calls } = fakeDb('better-sqlite3');
    await sql(db, 'SELECT $2 AS b, $1 AS a, $2 AS b2, $10 AS j', ['a', 'b', 3, 4, 5, 6, 7, 8, 9, 'j']);
    expect(calls).toEqual([['SELECT ? AS b, ? AS a, ? AS b2, ? AS j', ['b', 'a', 'b', 'j']]]);
  });
});

describe('statement shapes: writes and IN lists of any length in a few statement lengths', () => {
  it('writes every row once, in order, in statements of at most `most` rows', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 3000 }), fc.integer({ min: 1, max: 1200 }), (rows, most) => {
        const slices = inStatements(rows, most);
        expect(slices.flat()).toEqual(rows);
        expect(slices.every((s) => s.length >= 1 && s.length <= most)).toBe(true);
      }),
    );
  });

  it('uses at most one length per binary digit of `most` besides `most` itself, whatever the number of rows', () => {
    for (const most of [1, 7, 100, 500, 1000]) {
      const lengths = new Set<number>();
      for (let rows = 0; rows <= 2500; rows++) for (const size of statementSizes(rows, most)) lengths.add(size);
      expect(lengths.size).toBeLessThanOrEqual(1 + Math.ceil(Math.log2(most)));
    }
    expect(statementSizes(1234, 500)).toEqual([500, 500, 128, 64, 32, 8, 2]);
  });

  it('pads an IN list to a power of two with values it already has', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 700 }), (values) => {
        const padded = paddedList(values);
        expect(Number.isInteger(Math.log2(padded.length))).toBe(true);
        expect(padded.length).toBeLessThan(2 * values.length);
        expect(padded.slice(0, values.length)).toEqual(values);
        expect(new Set(padded)).toEqual(new Set(values));
      }),
    );
    expect(paddedList([])).toEqual([]);
  });
});
