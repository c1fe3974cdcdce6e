import { Worker } from 'node:worker_threads';
import { addDays } from '../src/common/dates';
import { PooledQuery, ReadPool } from '../src/database/read-pool/read-pool.service';
import { StaffImport } from '../src/imports/staff-import';
import { WAL_SIZE_LIMIT_BYTES } from '../src/config/database';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, requirement, role } from './support/builders';

const HEADER = 'employee_ref,first_name,last_name,email,organisation_code,roles,manager_employee_ref,start_date,end_date';
const staffFile = (prefix: string, organisationCode: string, n: number) =>
  Buffer.from([HEADER, ...Array.from({ length: n }, (_, i) => `${prefix}${i},Dana,${prefix}${i},,${organisationCode},ALL,,2024-04-01,`), ''].join('\r\n'));
const GAP = '/api/reports/gap-analysis?organisation=WPP&asOf=2026-01-15';
/** A gap analysis of a date not asked for before, so its figures are worked out (not the ones kept from an earlier view). */
let daysBack = 0;
const freshGap = () => `/api/reports/gap-analysis?organisation=WPP&asOf=${addDays('2026-01-15', -++daysBack)}`;
/** The gap analysis statement's own first words (gap-analysis.sqlite.ts). */
/** The gap analysis statement: over the raw tables, or over the kept compliance table once it is up to date. */
const isGapStatement = (sql: string) => sql.startsWith('WITH per AS') || sql.includes('FROM compliance_spans k');

/**
 * Reads beside the writer: while an import's transaction is open (held there by the test once its
 * rows are written), the gap analysis and the person search are answered at once with the data as
 * it was before; once it commits, the next reads (the staff list too) see all of it. On SQLite the
 * reads run in the read pool's worker threads, so the event loop stays free while a report is
 * worked out (a few thousand people there; fewer on PostgreSQL, where only the first two tests run).
 */
describeEachDatabase('Reads beside the writer', (kind) => {
  let t: TestApp;
  const people = kind === 'sqlite' ? 3000 : 500;

  beforeAll(async () => {
    t = await createTestApp(kind);
    await organisation(t.http(), 'WPP', null, { isEmployer: true });
    await organisation(t.http(), 'BIG', 'WPP', { isEmployer: true });
    await organisation(t.http(), 'SMALL', 'WPP', { isEmployer: true });
    await role(t.http(), 'ALL');
    await requirement(t.http(), 'ALL', 'L1', { graceDays: 0 });
    await t.http().post('/api/imports/staff').attach('file', staffFile('B', 'BIG', people), 'big.csv').expect(201);
  });
  afterAll(() => t?.close());

  const l1 = async () => (await t.http().get(GAP).expect(200)).body.levels.find((l: { level: string }) => l.level === 'L1');
  const smallTotal = async () => (await t.http().get('/api/staff?organisation=SMALL&pageSize=100').expect(200)).body.total;
  const found = async (q: string) => (await t.http().get(`/api/people?q=${q}`).expect(200)).body.length;

  it('answers reports and searches during an import with the data before it, and with all of it once it commits', async () => {
    expect(await l1()).toMatchObject({ required: people, missing: people });
    expect(await smallTotal()).toBe(0);
    expect(await found('S1')).toBe(0);

    let written!: () => void;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (written = resolve));
    const finish = StaffImport.prototype.finish;
    const hold = jest.spyOn(StaffImport.prototype, 'finish').mockImplementation(async function (this: StaffImport) {
      await finish.call(this);
      // Only the writing pass, inside its transaction: every row written, nothing committed.
      if ((this as unknown as { run: { write: boolean } }).run.write) {
        written();
        await new Promise<void>((resolve) => (release = resolve));
      }
    });
    let imported = false;
    const importing = t
      .http()
      .post('/api/imports/staff')
      .attach('file', staffFile('S', 'SMALL', 50), 'small.csv')
      .then((res) => ((imported = true), res));
    await held;

    expect(await l1()).toMatchObject({ required: people, missing: people });
    expect(await found('S1')).toBe(0);
    await t.http().get('/health').expect(200);
    expect(imported).toBe(false);

    release();
    expect((await importing).status).toBe(201);
    hold.mockRestore();
    expect(await l1()).toMatchObject({ required: people + 50, missing: people + 50 });
    expect(await smallTotal()).toBe(50);
    expect(await found('S1')).toBeGreaterThan(0);
  });

  it('a read right after a committed change sees it', async () => {
    await t.http().post('/api/staff').send({ employeeRef: 'NEW1', firstName: 'Noor', lastName: 'New', organisationCode: 'SMALL', roleCodes: ['ALL'], startDate: '2020-01-06' }).expect(201);
    expect(await smallTotal()).toBe(51);
    expect(await l1()).toMatchObject({ required: people + 51 });
  });

  if (kind === 'sqlite') {
    it('cuts the write-ahead log back to 64 MB after a checkpoint, so a large import does not leave it at its largest', async () => {
      expect(await t.dataSource.query('PRAGMA journal_size_limit')).toEqual([{ journal_size_limit: WAL_SIZE_LIMIT_BYTES }]);
    });

    it('keeps the event loop free while the gap analysis statement runs: /health/live is answered meanwhile', async () => {
      const pool = t.app.get(ReadPool);
      expect(pool.size).toBe(2);
      let running = false;
      let answeredMeanwhile = 0;
      // Running from the statement's posting to a worker to its last rows arriving.
      const post = Worker.prototype.postMessage;
      // The statement reaches its worker a little late, so it is under way for longer than a round
      // trip even where it is quick (the kept compliance table answers in a few milliseconds).
      const sent = jest.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, message: { sql?: string }) {
        if (message.sql && isGapStatement(message.sql)) {
          running = true;
          setTimeout(() => post.call(this, message), 100);
        } else post.call(this, message);
      });
      const push = PooledQuery.prototype.push;
      const arrived = jest.spyOn(PooledQuery.prototype, 'push').mockImplementation(function (this: PooledQuery, ...args: Parameters<PooledQuery['push']>) {
        if (isGapStatement(this.message.sql) && args[2]) running = false;
        push.apply(this, args);
      });
      // A few reports, in case one statement ends before a single /health/live round trip.
      for (let tries = 0; tries < 5 && answeredMeanwhile === 0; tries++) {
        let done = false;
        const report = t.http().get(freshGap()).expect(200).then(() => (done = true));
        while (!done) {
          await t.anonymous().get('/health/live').expect(200);
          if (running) answeredMeanwhile++;
        }
        await report;
      }
      sent.mockRestore();
      arrived.mockRestore();
      expect(answeredMeanwhile).toBeGreaterThan(0);
    });

    it('a read worker that dies answers that request 500 and is replaced', async () => {
      const pool = t.app.get(ReadPool);
      const post = Worker.prototype.postMessage;
      const crash = jest.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, message: { sql?: string }) {
        if (message.sql && isGapStatement(message.sql)) void this.terminate();
        else post.call(this, message);
      });
      const failed = await t.http().get(freshGap()).expect(500);
      crash.mockRestore();
      expect(failed.body.message).toMatch(/^Something went wrong on our side/);
      expect(await l1()).toMatchObject({ required: people + 51 });
      expect(pool.size).toBe(2);
    });
  }
});
