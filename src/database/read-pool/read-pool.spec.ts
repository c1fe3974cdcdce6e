import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/app-config';
import { inOwnFlow } from '../flow-context';
import { installSqliteTransactionGate } from '../sqlite-transaction-gate';
import { ReadPool } from './read-pool.service';
import { readsOffMainThread } from './reads-off-main-thread';

/** A transaction of its own flow, held open (its rows written, not committed) until released. */
function heldTransaction(dataSource: DataSource, write: string) {
  let release!: () => void;
  let written!: () => void;
  const open = new Promise<void>((resolve) => (written = resolve));
  const done = inOwnFlow(() =>
    dataSource.transaction(async (m) => {
      await m.query(write);
      written();
      await new Promise<void>((resolve) => (release = resolve));
    }),
  );
  return { open, release: () => release(), done };
}

/** A statement that keeps a worker busy for a while: counting through a recursive CTE. */
const SLOW = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000) SELECT COUNT(*) AS c FROM n';

describe('ReadPool on SQLite', () => {
  const file = join(tmpdir(), `read-pool-${process.pid}-${Date.now()}.sqlite`);
  let dataSource: DataSource;
  let pool: ReadPool;
  const notes = async () => (await pool.query<{ text: string }>('SELECT text FROM notes ORDER BY text')).map((r) => r.text);

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: file, enableWAL: true }).initialize();
    installSqliteTransactionGate(dataSource);
    await dataSource.query('CREATE TABLE notes (text varchar NOT NULL)');
    await dataSource.query(`INSERT INTO notes VALUES ('before')`);
    pool = new ReadPool(dataSource, loadConfig({ READ_POOL_SIZE: '2' }));
    await pool.onModuleInit();
  });
  afterAll(async () => {
    await pool.onApplicationShutdown();
    await dataSource.destroy();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });

  it('reads beside an open transaction: the committed rows, at once; the new rows once it commits', async () => {
    const held = heldTransaction(dataSource, `INSERT INTO notes VALUES ('during')`);
    await held.open;
    expect(await inOwnFlow(() => notes())).toEqual(['before']);
    // A flow reading through the gate (not marked) does not wait either, and sees the same.
    expect(await inOwnFlow(() => dataSource.query('SELECT COUNT(*) AS n FROM notes'))).toEqual([{ n: 1 }]);
    // A write still waits for the transaction.
    let wrote = false;
    const write = inOwnFlow(() => dataSource.query(`INSERT INTO notes VALUES ('after')`)).then(() => (wrote = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wrote).toBe(false);
    held.release();
    await held.done;
    await write;
    expect(await inOwnFlow(() => notes())).toEqual(['after', 'before', 'during']);
    await dataSource.query(`DELETE FROM notes WHERE text <> 'before'`);
  });

  it('a flow reading inside its own transaction sees its own uncommitted rows; after its commit the pool sees them', async () => {
    await inOwnFlow(async () => {
      await dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO notes VALUES ('mine')`);
        expect(await notes()).toEqual(['before', 'mine']);
        expect(await readsOffMainThread(() => m.query('SELECT COUNT(*) AS n FROM notes'))).toEqual([{ n: 2 }]);
      });
      await dataSource.query(`INSERT INTO notes VALUES ('mine too')`);
      expect(await readsOffMainThread(() => dataSource.query('SELECT text FROM notes ORDER BY text'))).toEqual([
        { text: 'before' },
        { text: 'mine' },
        { text: 'mine too' },
      ]);
    });
    await dataSource.query(`DELETE FROM notes WHERE text <> 'before'`);
  });

  it('runs the reads of a marked flow in a worker thread, leaving the event loop free', async () => {
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    let turns = 0;
    let counting = true;
    const spin = () => {
      turns++;
      if (counting) setImmediate(spin);
    };
    setImmediate(spin);
    const [{ c }] = await readsOffMainThread(() => dataSource.query(SLOW));
    counting = false;
    expect(c).toBe(500_000);
    expect(posted).toHaveBeenCalledWith(expect.objectContaining({ sql: SLOW }));
    posted.mockRestore();
    // On the main thread the count would have run between two turns; here the loop kept turning.
    expect(turns).toBeGreaterThan(10);
  });

  it('returns large results whole and in order, and a batch at a time', async () => {
    const many = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i, $2 AS label FROM n';
    const rows = await pool.query<{ i: number; label: string }>(many, [25_000, 'x']);
    expect(rows.length).toBe(25_000);
    expect(rows[0]).toEqual({ i: 1, label: 'x' });
    expect(rows.every((r, k) => r.i === k + 1)).toBe(true);
    const sizes: number[] = [];
    for await (const batch of pool.batches(many, [25_000, 'x'])) {
      sizes.push(batch.length);
      if (sizes.length === 3) break;
    }
    expect(sizes).toEqual([2000, 2000, 2000]);
    // Giving up part-way frees the worker for the next queries.
    expect(await Promise.all([notes(), notes(), notes()])).toEqual([['before'], ['before'], ['before']]);
  });

  it('refuses writes loudly', async () => {
    await expect(pool.query(`INSERT INTO notes VALUES ('no') RETURNING text`)).rejects.toThrow(/readonly|read-only|query_only/i);
    await expect(pool.query('SELECT text FROM missing_notes')).rejects.toThrow(/no such table/);
    expect(await notes()).toEqual(['before']);
  });

  it('copies committed writes from the write-ahead log into the database file on a thread of its own', async () => {
    // The main connection no longer checkpoints on its commits (which would block the event loop).
    expect(await dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    const before = statSync(file).size;
    // About 1,300 pages of 4 KiB, more than SQLite's threshold of 1,000, in one commit.
    await dataSource.query(
      `INSERT INTO notes SELECT 'filler ' || i || printf('%.1000c', 'x') FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i FROM n)`,
    );
    // Only a checkpoint makes the database file itself grow; the thread runs one every second.
    const deadline = Date.now() + 20_000;
    while (statSync(file).size < before + 4_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 4_000_000);
    await dataSource.query(`DELETE FROM notes WHERE text <> 'before'`);
    expect(await notes()).toEqual(['before']);
  });

  it('a worker that dies fails the query it was running, and is replaced', async () => {
    const posted = jest.spyOn(Worker.prototype, 'postMessage').mockImplementationOnce(function (this: Worker) {
      void this.terminate();
    });
    await expect(pool.query(SLOW)).rejects.toThrow(/A read worker stopped while running a query/);
    posted.mockRestore();
    expect(pool.size).toBe(2);
    expect(await Promise.all([notes(), notes(), notes(), notes()])).toEqual([['before'], ['before'], ['before'], ['before']]);
  });
});

describe('ReadPool turned off', () => {
  it('with READ_POOL_SIZE=0 runs on the main connection', async () => {
    const file = join(tmpdir(), `read-pool-off-${process.pid}-${Date.now()}.sqlite`);
    const dataSource = await new DataSource({ type: 'better-sqlite3', database: file, enableWAL: true }).initialize();
    installSqliteTransactionGate(dataSource);
    const pool = new ReadPool(dataSource, loadConfig({ READ_POOL_SIZE: '0' }));
    await pool.onModuleInit();
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    expect(pool.size).toBe(0);
    expect(await pool.query('SELECT $1 AS one', [1])).toEqual([{ one: 1 }]);
    // Nor is there a checkpoint thread: the main connection checkpoints as SQLite does by default.
    expect(await dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 1000 }]);
    expect(posted).not.toHaveBeenCalled();
    posted.mockRestore();
    await pool.onApplicationShutdown();
    await dataSource.destroy();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });
});
