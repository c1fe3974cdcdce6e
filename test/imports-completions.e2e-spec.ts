import ExcelJS from 'exceljs';
import { addDays, todayIso } from '../src/common/dates';
import { sql } from '../src/database/sql';
import { CompletionImport } from '../src/imports/completion-import';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person, role } from './support/builders';

const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

interface CompletionRow {
  employee_ref: string;
  level: string;
  completed_on: string;
  source: string;
  evidence: string | null;
  recorded_by: string | null;
}

describeEachDatabase('completion imports', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const http = t.http();
    await organisation(http, 'WPP', null, { sector: 'other' });
    await organisation(http, 'WCC', 'WPP', { isEmployer: true });
    await organisation(http, 'WCC-CYP', 'WCC');
    await organisation(http, 'NHS', 'WPP', { isEmployer: true, sector: 'health' });
    await role(http, 'ALL');
    await person(http, { employeeRef: 'E1', organisationCode: 'WCC', email: 'amira.khan@example.gov.uk' });
    await person(http, { employeeRef: 'E2', organisationCode: 'WCC-CYP' });
    await person(http, { employeeRef: 'E3', organisationCode: 'WCC-CYP', email: 'ben.cole@example.gov.uk' });
    // The same reference in two employers: only an organisation says which is meant.
    await person(http, { employeeRef: 'SAME', organisationCode: 'WCC' });
    await person(http, { employeeRef: 'SAME', organisationCode: 'NHS' });
  });
  afterAll(() => t.close());

  const upload = (path: string, file: Buffer, name = 'completions.csv') => t.http().post(path).attach('file', file, name);
  const completions = (ref: string) =>
    sql<CompletionRow>(
      t.dataSource,
      `SELECT s.employee_ref, l.code AS level, c.completed_on, c.source, c.evidence, c.recorded_by
       FROM completions c JOIN staff s ON s.id = c.staff_id JOIN levels l ON l.id = c.level_id
       WHERE s.employee_ref = $1 ORDER BY c.completed_on, l.code`,
      [ref],
    );
  const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM completions'))[0].n);

  it('records completions by employee reference or email, by level code or course name', async () => {
    const file = csv(
      'employee_ref,email,course_name,level_code,completed_on,organisation_code,evidence',
      'E1,,Prevent awareness e-learning,,2024-05-01,,',
      ',BEN.COLE@example.gov.uk,  home office PREVENT e-learning ,,02/05/2024,,Certificate 77',
      'E2,,,L2,3/5/2024,WCC,',
    );
    const res = await upload('/api/imports/completions', file).expect(201);
    expect(res.body).toMatchObject({ status: 'completed', counts: { rows: 3, created: 3, duplicates: 0, errorRows: 0 } });
    expect(await completions('E1')).toEqual([
      { employee_ref: 'E1', level: 'L1', completed_on: '2024-05-01', source: 'import', evidence: 'Prevent awareness e-learning', recorded_by: expect.stringContaining('@') },
    ]);
    expect(await completions('E3')).toMatchObject([{ level: 'L1', completed_on: '2024-05-02', evidence: 'Certificate 77' }]);
    expect(await completions('E2')).toMatchObject([{ level: 'L2', completed_on: '2024-05-03' }]);
  });

  it('finds everyone in scope however many statements its lookups of people take', async () => {
    // The people are read in slices by id; here two at a time, so the five take three.
    const sliced = jest.replaceProperty(CompletionImport, 'peoplePerSlice', 2);
    try {
      const file = csv(
        'employee_ref,email,level_code,completed_on,organisation_code',
        'E1,,L3,2023-01-09,',
        'E2,,L3,2023-01-09,',
        ',ben.cole@example.gov.uk,L3,2023-01-09,',
        'SAME,,L3,2023-01-09,WCC',
        'SAME,,L3,2023-01-09,NHS',
      );
      const res = await upload('/api/imports/completions', file).expect(201);
      expect(res.body.counts).toMatchObject({ rows: 5, created: 5, errorRows: 0 });
      for (const ref of ['E1', 'E2', 'E3']) expect(await completions(ref)).toContainEqual(expect.objectContaining({ level: 'L3', completed_on: '2023-01-09' }));
    } finally {
      sliced.restore();
    }
  });

  it('skips and counts duplicates, in the database and within the file', async () => {
    const before = await count();
    const file = csv('employee_ref,level_code,completed_on', 'E1,L1,2024-05-01', 'E1,L3,2024-06-01', 'E1,L3,01/06/2024');
    const res = await upload('/api/imports/completions', file).expect(201);
    expect(res.body.counts).toEqual({ rows: 3, created: 1, updated: 0, unchanged: 0, duplicates: 2, leavers: 0, excluded: 0, errorRows: 0, skipped: 2 });
    expect(await count()).toBe(before + 1);
  });

  it('reports an unknown person, an unknown course, a bad or future date and an ambiguous reference on their rows', async () => {
    const tomorrow = addDays(todayIso(), 1);
    const file = csv(
      'employee_ref,course_name,completed_on',
      'NOBODY,WRAP,2024-01-01',
      'E1,Fire safety awareness,2024-01-01',
      'E1,WRAP,31/02/2025',
      `E1,WRAP,${tomorrow}`,
      'SAME,WRAP,2024-01-01',
      'E1,,2024-01-01',
    );
    const res = await upload('/api/imports/completions?dryRun=true', file).expect(200);
    expect(res.body.errors).toEqual([
      { row: 2, column: 'employee_ref', value: 'NOBODY', reason: 'no person with employee reference NOBODY' },
      {
        row: 3,
        column: 'course_name',
        value: 'Fire safety awareness',
        reason: 'the course "Fire safety awareness" is not linked to a level: add it on the course mappings page',
      },
      { row: 4, column: 'completed_on', value: '31/02/2025', reason: '31/02/2025 is not a real date' },
      { row: 5, column: 'completed_on', value: tomorrow, reason: `${tomorrow} is in the future` },
      {
        row: 6,
        column: 'employee_ref',
        value: 'SAME',
        reason: 'employee reference SAME is used in more than one employer: add an organisation_code column or choose the organisation for the import',
      },
      { row: 7, column: 'course_name', value: null, reason: 'give a course name or a level code' },
    ]);
  });

  it('resolves references within the employer of ?organisation=, and reports an unknown organisation on its row', async () => {
    const inNhs = await upload('/api/imports/completions?dryRun=true&organisation=NHS', csv('employee_ref,level_code,completed_on', 'SAME,L1,2024-01-01', 'E1,L1,2024-01-01')).expect(200);
    expect(inNhs.body.counts.created).toBe(1);
    expect(inNhs.body.errors).toEqual([{ row: 3, column: 'employee_ref', value: 'E1', reason: 'no person with employee reference E1 in NHS' }]);

    const perRow = await upload('/api/imports/completions?dryRun=true', csv('employee_ref,level_code,completed_on,organisation_code', 'SAME,L1,2024-01-01,WCC', 'SAME,L1,2024-01-01,NOPE')).expect(200);
    expect(perRow.body.errors).toEqual([{ row: 3, column: 'organisation_code', value: 'NOPE', reason: 'no organisation with code NOPE' }]);

    await upload('/api/imports/completions?dryRun=true&organisation=NOPE', csv('employee_ref,level_code,completed_on')).expect(404);
  });

  it('does not reveal people outside a coordinator\'s organisation', async () => {
    const coordinator = await t.as('coordinator', 'WCC-CYP');
    const res = await coordinator
      .post('/api/imports/completions?dryRun=true')
      .attach('file', csv('employee_ref,level_code,completed_on', 'E2,L1,2024-01-01', 'E1,L1,2024-01-01'), 'c.csv')
      .expect(200);
    expect(res.body.counts.created).toBe(1);
    expect(res.body.errors).toEqual([{ row: 3, column: 'employee_ref', value: 'E1', reason: 'no person with employee reference E1' }]);
  });

  it('reports a missing column on the header row', async () => {
    const res = await upload('/api/imports/completions?dryRun=true', csv('employee_ref,completed_on', 'E1,2024-01-01')).expect(200);
    expect(res.body.errors).toEqual([
      { row: 1, column: 'course_name or level_code', value: null, reason: expect.stringMatching(/^the column course_name or level_code is missing/) },
    ]);
  });

  it('writes nothing when a column is missing (recording the attempt) or the file cannot be read (recording nothing)', async () => {
    const before = await count();
    const missing = await upload('/api/imports/completions', csv('employee_ref,completed_on', 'E1,2024-01-01')).expect(422);
    expect(missing.body).toMatchObject({ status: 'failed', message: expect.stringMatching(/Columns missing: course_name or level_code/) });
    const imports = async () => (await t.http().get('/api/imports?kind=completions').expect(200)).body.total;
    const recordedBefore = await imports();
    const unreadable = await upload('/api/imports/completions', Buffer.from('employee_ref,level_code,completed_on\n"E1,L1,2024-01-01\n'), 'broken.csv').expect(422);
    expect(unreadable.body.message).toMatch(/could not be read as CSV/);
    expect(await imports()).toBe(recordedBefore);
    expect(await count()).toBe(before);
  });

  it('reads an XLSX export with date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Completions');
    sheet.addRow(['Employee Ref', 'Course', 'Completion Date']);
    sheet.addRow(['E2', 'Prevent awareness e-learning', new Date(Date.UTC(2023, 10, 30))]);
    sheet.addRow(['E3', 'WRAP', 45000]);
    const res = await upload('/api/imports/completions', Buffer.from(await workbook.xlsx.writeBuffer()), 'export.xlsx').expect(201);
    expect(res.body.counts.created).toBe(2);
    expect(await completions('E2')).toContainEqual(expect.objectContaining({ level: 'L1', completed_on: '2023-11-30' }));
    expect(await completions('E3')).toContainEqual(expect.objectContaining({ level: 'L2', completed_on: '2023-03-15' }));
  });

  it('imports nothing from a file of 10,000 rows with one bad row', async () => {
    const lines = ['employee_ref,level_code,completed_on'];
    for (let i = 0; i < 10_000; i++) lines.push(`${['E1', 'E2', 'E3'][i % 3]},L1,${addDays('1995-01-01', i)}`);
    lines[9_001] = 'E1,L9,2020-01-01';
    const before = await count();
    const res = await upload('/api/imports/completions', csv(...lines)).expect(422);
    expect(res.body.errors).toEqual([{ row: 9_002, column: 'level_code', value: 'L9', reason: 'no level with code L9' }]);
    expect(res.body.counts).toMatchObject({ rows: 10_000, errorRows: 1 });
    expect(await count()).toBe(before);
  });

  describe('course mappings', () => {
    it('lists the names seeded with the levels', async () => {
      const res = await t.http().get('/api/imports/course-mappings').expect(200);
      expect(res.body).toContainEqual(expect.objectContaining({ courseName: 'Prevent awareness e-learning', levelCode: 'L1' }));
      expect(res.body).toContainEqual(expect.objectContaining({ courseName: 'WRAP train the trainer', levelCode: 'L3' }));
    });

    it('replaces the table, refusing unknown levels and repeated names', async () => {
      await t.http().put('/api/imports/course-mappings').send({ mappings: [{ courseName: 'X', levelCode: 'L7' }] }).expect(422);
      await t
        .http()
        .put('/api/imports/course-mappings')
        .send({ mappings: [{ courseName: 'Same', levelCode: 'L1' }, { courseName: ' same ', levelCode: 'L2' }] })
        .expect(422);
      const current = (await t.http().get('/api/imports/course-mappings').expect(200)).body as { courseName: string; levelCode: string }[];
      const next = [...current.map(({ courseName, levelCode }) => ({ courseName, levelCode })), { courseName: 'Fire safety awareness', levelCode: 'L1' }];
      const res = await t.http().put('/api/imports/course-mappings').send({ mappings: next }).expect(200);
      expect(res.body).toHaveLength(current.length + 1);
      const preview = await upload('/api/imports/completions?dryRun=true', csv('employee_ref,course_name,completed_on', 'E1,FIRE SAFETY AWARENESS,2024-01-01')).expect(200);
      expect(preview.body.counts.created).toBe(1);
    });
  });
});
