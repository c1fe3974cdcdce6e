import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createTestApp, databaseKinds, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan that reads a table from end to end. */
function sequentialScans(node: PlanNode): string[] {
  const here = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...here, ...(node.Plans ?? []).flatMap(sequentialScans)];
}

/**
 * The PostgreSQL plans of the reports' statements (issue 14): for one organisation inside the
 * partnership, every statement that reads completions must be able to read them through an index.
 * The statements each report runs are recorded as it answers, then explained with sequential scans
 * priced out (SET enable_seqscan = off), so the planner's choice on a few rows does not matter:
 * a sequential scan left in the plan is one no index can replace.
 */
(databaseKinds().includes('postgres') ? describe : describe.skip)('PostgreSQL plans of the reports', () => {
  let t: TestApp;
  const statements: { query: string; parameters: unknown[]; during: string }[] = [];
  let recording: string | null = null;
  const original = PostgresQueryRunner.prototype.query;

  /** The sequential scans of completions in the plan of one statement, with its parameters. */
  async function scansOf(query: string, parameters: unknown[]): Promise<string[]> {
    const runner = t.dataSource.createQueryRunner();
    try {
      await original.call(runner, 'BEGIN');
      await original.call(runner, 'SET LOCAL enable_seqscan = off');
      const [row] = (await original.call(runner, `EXPLAIN (FORMAT JSON) ${query}`, parameters)) as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
      return sequentialScans(row['QUERY PLAN'][0].Plan).filter((table) => table === 'completions');
    } finally {
      await original.call(runner, 'ROLLBACK');
      await runner.release();
    }
  }

  beforeAll(async () => {
    t = await createTestApp('postgres');
    const http = t.http();
    await organisation(http, 'PLAN', null, { isEmployer: true });
    await organisation(http, 'PLAN-A', 'PLAN');
    await organisation(http, 'PLAN-B', 'PLAN');
    await role(http, 'ALL');
    await requirement(http, 'ALL', 'L1');
    await requirement(http, 'ALL', 'L2', { organisationCode: 'PLAN-A' });
    for (let i = 0; i < 12; i++) {
      await person(http, { employeeRef: `P${i}`, organisationCode: i % 2 ? 'PLAN-A' : 'PLAN-B', roleCodes: ['ALL'], startDate: '2023-01-01' });
      await completion(http, `P${i}`, i % 3 ? 'L1' : 'L3', `2025-0${(i % 6) + 1}-10`);
    }
    await t.dataSource.query('ANALYZE');
    jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, query: string, parameters?: unknown[], structured?: boolean) {
      if (recording && /\bcompletions\b/i.test(query) && /^\s*(SELECT|WITH)\b/i.test(query)) statements.push({ query, parameters: parameters ?? [], during: recording });
      return original.call(this, query, parameters, structured as false);
    } as typeof original);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it("run with PostgreSQL's JIT compiling off on every connection, which cost seconds a report", async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => t.dataSource.query('SHOW jit')));
    expect(answers).toEqual(Array.from({ length: 3 }, () => [{ jit: 'off' }]));
  });

  it('find a sequential scan of completions where no index serves (the check can fail)', async () => {
    expect(await scansOf('SELECT COUNT(*) FROM completions WHERE evidence = $1', ['certificate'])).toEqual(['completions']);
    expect(await scansOf('SELECT COUNT(*) FROM completions WHERE level_id = $1 AND completed_on <= $2', [1, '2025-06-30'])).toEqual([]);
  });

  const reports: [string, string][] = [
    ['gap analysis', '/api/reports/gap-analysis?organisation=PLAN-A&asOf=2025-06-30'],
    ['gap analysis people', '/api/reports/gap-analysis/people?organisation=PLAN-A&level=L1&status=expired,missing&asOf=2025-06-30'],
    ['quarterly take-up', '/api/reports/quarterly?organisation=PLAN-A&year=2025&quarter=1'],
    ['annual report', '/api/reports/annual?organisation=PLAN-A&year=2025'],
    ['needs analysis', '/api/reports/needs-analysis?organisation=PLAN-A&asOf=2025-06-30'],
    ['trainer coverage', '/api/reports/trainer-coverage?organisation=PLAN-A&asOf=2025-06-30'],
    ['lead coverage', '/api/reports/lead-coverage?organisation=PLAN-A&asOf=2025-06-30'],
    ['a person search for trainers', '/api/people?q=pat&purpose=train'],
  ];

  it.each(reports)('read completions through an index for one organisation: %s', async (name, url) => {
    recording = name;
    try {
      await t.http().get(url).expect(200);
    } finally {
      recording = null;
    }
    const mine = statements.filter((s) => s.during === name);
    expect(mine.length).toBeGreaterThan(0);
    const scanning: string[] = [];
    for (const s of mine) if ((await scansOf(s.query, s.parameters)).length > 0) scanning.push(s.query.replace(/\s+/g, ' ').slice(0, 400));
    expect(scanning).toEqual([]);
  });
});
