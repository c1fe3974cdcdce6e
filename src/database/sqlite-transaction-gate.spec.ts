import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { inOwnFlow } from './flow-context';
import { installSqliteTransactionGate } from './sqlite-transaction-gate';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite transactions from concurrent requests', () => {
  let dataSource: DataSource;
  const file = join(tmpdir(), `gate-${process.pid}-${Date.now()}.sqlite`);

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
    installSqliteTransactionGate(dataSource);
    await dataSource.query('CREATE TABLE notes (text varchar NOT NULL)');
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(file, { force: true });
  });
  beforeEach(() => dataSource.query('DELETE FROM notes'));

  const notes = async () => (await dataSource.query('SELECT text FROM notes ORDER BY text')).map((r: { text: string }) => r.text);

  it('a rollback in one request does not undo another request’s transaction', async () => {
    const failing = inOwnFlow(() =>
      dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO notes VALUES ('doomed')`);
        await pause(30);
        throw new Error('this request fails');
      }),
    );
    const succeeding = inOwnFlow(() =>
      dataSource.transaction(async (m) => {
        await pause(5);
        await m.query(`INSERT INTO notes VALUES ('kept')`);
      }),
    );
    await expect(failing).rejects.toThrow('this request fails');
    await succeeding;
    expect(await notes()).toEqual(['kept']);
  });

  it('a single statement from another request is not swallowed by an open transaction', async () => {
    const failing = inOwnFlow(() =>
      dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO notes VALUES ('doomed')`);
        await pause(30);
        throw new Error('rolled back');
      }),
    );
    await pause(5);
    await inOwnFlow(() => dataSource.query(`INSERT INTO notes VALUES ('standalone')`));
    await expect(failing).rejects.toThrow('rolled back');
    expect(await notes()).toEqual(['standalone']);
  });

  it('a transaction sees its own writes and can nest (savepoints) within its own flow', async () => {
    await inOwnFlow(() =>
      dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO notes VALUES ('outer')`);
        await m.transaction(async (inner) => inner.query(`INSERT INTO notes VALUES ('inner')`));
        expect((await m.query('SELECT COUNT(*) AS n FROM notes'))[0].n).toBe(2);
      }),
    );
    expect(await notes()).toEqual(['inner', 'outer']);
  });

  it('many concurrent transactions all complete, one at a time', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        inOwnFlow(() =>
          dataSource.transaction(async (m) => {
            const [{ n }] = await m.query('SELECT COUNT(*) AS n FROM notes');
            await pause(1);
            await m.query(`INSERT INTO notes VALUES ('${String(i).padStart(2, '0')}:${n}')`);
          }),
        ),
      ),
    );
    const seen = (await notes()).map((t: string) => Number(t.split(':')[1])).sort((a: number, b: number) => a - b);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
