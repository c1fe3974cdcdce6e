import { sql } from './sql';

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
