import { Scope } from '../src/auth/scope';
import { dataVersion, REPORT_TABLES } from '../src/database/data-versions';
import { Job, Scheduler } from '../src/jobs/scheduler';
import { GapAnalysisService } from '../src/reports/gap-analysis/gap-analysis.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

/** L1 take-up in Q1 2025/26 (April to June 2025) as the quarterly report gives it from this server. */
async function l1CompletionsInQuarter(server: TestApp): Promise<number> {
  const body = (await server.http().get('/api/reports/quarterly?organisation=TWO&year=2025&quarter=1').expect(200)).body as { levels: { level: string; completions: number }[] };
  return body.levels.find((l) => l.level === 'L1')?.completions ?? -1;
}

/** L1 compliance at the end of Q1 2025/26 (30 June 2025) as the quarterly report gives it from this server. */
async function l1AtQuarterEnd(server: TestApp): Promise<number | null> {
  const body = (await server.http().get('/api/reports/quarterly?organisation=TWO&year=2025&quarter=1').expect(200)).body as { levels: { level: string; compliancePctAtEnd: number | null }[] };
  return body.levels.find((l) => l.level === 'L1')?.compliancePctAtEnd ?? null;
}

describeEachDatabase('Two servers on one database: reports and scheduled jobs', (kind) => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp(kind);
    const shared: Record<string, string> =
      kind === 'postgres'
        ? { DATABASE_URL: String((a.dataSource.options as { url?: string }).url), DATABASE_SCHEMA: String((a.dataSource.options as { schema?: string }).schema) }
        : { DATABASE_PATH: String(a.dataSource.options.database) };
    b = await createTestApp(kind, shared);
    const http = a.http();
    await organisation(http, 'TWO', null, { isEmployer: true });
    await role(http, 'FRONT');
    await role(http, 'OFFICE');
    await requirement(http, 'FRONT', 'L1');
    await person(http, { employeeRef: 'F1', organisationCode: 'TWO', roleCodes: ['FRONT'], startDate: '2024-04-01' });
    await person(http, { employeeRef: 'O1', organisationCode: 'TWO', roleCodes: ['OFFICE'], startDate: '2024-04-01' });
    // Job titles come from HR files (staff imports); set here before any report is asked for.
    await a.dataSource.query(`UPDATE staff SET job_title = 'Support worker' WHERE employee_ref = 'O1'`);
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('give the figures of a change made through the other server in the next report, never a kept one', async () => {
    // B works the figures out (and keeps them): F1 has no L1.
    expect(await l1AtQuarterEnd(b)).toBe(0);
    expect(await l1AtQuarterEnd(b)).toBe(0);

    // Training recorded through A is in B's next report.
    const { id } = await completion(a.http(), 'F1', 'L1', '2025-05-01');
    expect(await l1AtQuarterEnd(b)).toBe(100);

    // Corrected through A to a date after the quarter: B's next report no longer counts it.
    await a.http().patch(`/api/completions/${id}`).send({ completedOn: '2025-07-15', reason: 'The certificate says 15 July' }).expect(200);
    expect(await l1AtQuarterEnd(b)).toBe(0);

    // Role rules applied through A give O1 (a support worker) FRONT in place of OFFICE: the number
    // of roles held is the same, and B's next report counts O1 as needing L1 (missing).
    const rules = [
      { field: 'job_title', operator: 'contains', value: 'worker', roleCode: 'FRONT', effect: 'add' },
      { field: 'job_title', operator: 'contains', value: 'worker', roleCode: 'OFFICE', effect: 'remove' },
    ];
    await a.http().put('/api/imports/role-rules').send({ rules }).expect(200);
    expect(await l1AtQuarterEnd(b)).toBe(0);
    await completion(a.http(), 'F1', 'L1', '2025-06-01');
    expect(await l1AtQuarterEnd(b)).toBe(100);
    const applied = (await a.http().post('/api/imports/role-rules/apply').send({ dryRun: false }).expect(200)).body as { changed: number };
    expect(applied.changed).toBe(1);
    expect(await l1AtQuarterEnd(b)).toBe(50);
  });

  it('keep the figures through sign-ins on either server, good or failed, and count take-up recorded through the other', async () => {
    await a.app.get(UsersService).create(Scope.system(), {
      email: 'two-servers@test.example', displayName: 'Two servers', role: 'coordinator', organisationCode: 'TWO', staffEmployeeRef: null, password: TEST_PASSWORD,
    });
    const figuresWorkedOut = jest.spyOn(b.app.get(GapAnalysisService), 'reportsOn');
    const before = await l1CompletionsInQuarter(b);
    const version = await dataVersion(b.dataSource, REPORT_TABLES);
    figuresWorkedOut.mockClear();

    // Sign-ins write the audit log (and a failed one a lock-out count): neither is what a figure reads.
    await a.anonymous().post('/api/auth/token').send({ email: 'two-servers@test.example', password: TEST_PASSWORD, name: 'a' }).expect(201);
    await b.anonymous().post('/api/auth/token').send({ email: 'two-servers@test.example', password: 'not the password', name: 'b' }).expect(401);
    expect(await dataVersion(b.dataSource, REPORT_TABLES)).toBe(version);
    expect(await l1CompletionsInQuarter(b)).toBe(before);
    expect(figuresWorkedOut).not.toHaveBeenCalled();

    // Training recorded through A in the quarter: B's next report counts it, compliance worked out afresh.
    await completion(a.http(), 'O1', 'L1', '2025-04-10');
    expect(await dataVersion(b.dataSource, REPORT_TABLES)).not.toBe(version);
    expect(await l1CompletionsInQuarter(b)).toBe(before + 1);
    expect(figuresWorkedOut).toHaveBeenCalledTimes(1);
    figuresWorkedOut.mockRestore();
  });

  it('run a scheduled job on one of the two once per interval', async () => {
    const runs: string[] = [];
    const job = (server: string): Job => ({ name: 'two-servers-probe', everyMs: 60 * 60_000, once: true, run: async () => void runs.push(server) });
    a.app.get(Scheduler).add(job('a'));
    b.app.get(Scheduler).add(job('b'));
    // Ahead of the clock, as the leases compare with the time a run finished.
    const now = new Date(Date.UTC(2040, 0, 1, 9));
    const both = (at: Date) => Promise.all([a, b].map((t) => t.app.get(Scheduler).tick(at)));
    await both(now);
    expect(runs).toHaveLength(1);
    await both(new Date(now.getTime() + 30 * 60_000));
    expect(runs).toHaveLength(1);
    await both(new Date(now.getTime() + 61 * 60_000));
    expect(runs).toHaveLength(2);
  });
});
