import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { addDays, todayIso } from '../src/common/dates';
import { sql } from '../src/database/sql';
import { ImportsService } from '../src/imports/imports.service';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person, requirement, role } from './support/builders';

/** Files laid out like real exports: made here, small, in each platform's own shape. */
const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

async function xlsx(rows: unknown[][], prepare?: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  for (const r of rows) sheet.addRow(r);
  prepare?.(sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Re-zipped in Excel's own order: the sheet before its shared strings and the workbook (what broke ExcelJS's reader). */
async function excelOrder(file: Buffer): Promise<Buffer> {
  const source = await JSZip.loadAsync(file);
  const names = Object.keys(source.files).filter((n) => !source.files[n].dir);
  const rank = (n: string) => (n.startsWith('xl/worksheets/') ? 0 : n === 'xl/sharedStrings.xml' ? 2 : n === 'xl/workbook.xml' ? 3 : 1);
  const zip = new JSZip();
  for (const name of names.sort((a, b) => rank(a) - rank(b))) zip.file(name, await source.file(name)!.async('nodebuffer'));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describeEachDatabase('imports of real exports', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const http = t.http();
    await organisation(http, 'WPP', null, { sector: 'other' });
    await organisation(http, 'NHS', 'WPP', { isEmployer: true, sector: 'health', name: 'County NHS Trust' });
    await organisation(http, 'NHS-ADULT', 'NHS', { sector: 'health', name: 'Adult Community Services' });
    await organisation(http, 'NHS-MH', 'NHS', { sector: 'health', name: 'Mental Health Services' });
    await organisation(http, 'WCC', 'WPP', { isEmployer: true, name: 'County Council' });
    await organisation(http, 'WCC-ASC', 'WCC', { name: 'Adult Social Care' });
    for (const code of ['ALL', 'FRONTLINE', 'DSL', 'PREVENT_LEAD']) await role(http, code);
    await requirement(http, 'FRONTLINE', 'L2');
    for (const ref of ['T1', 'T2', 'T3', 'T4']) await person(http, { employeeRef: ref, organisationCode: 'WCC-ASC', email: `${ref.toLowerCase()}@example.gov.uk` });
  });
  afterAll(() => t.close());

  const post = (path: string, file: Buffer, name: string) => t.http().post(path).attach('file', file, name);
  const count = async (table: string) => Number((await sql<{ n: number }>(t.dataSource, `SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const snapshot = async () => Object.fromEntries(await Promise.all(['staff', 'completions', 'imports', 'import_errors', 'staff_roles'].map(async (n) => [n, await count(n)])));
  const rolesOf = async (ref: string) =>
    (
      await sql<{ code: string }>(
        t.dataSource,
        'SELECT r.code FROM staff_roles sr JOIN roles r ON r.id = sr.role_id JOIN staff s ON s.id = sr.staff_id WHERE s.employee_ref = $1 ORDER BY r.code',
        [ref],
      )
    ).map((r) => r.code);
  const staffRow = async (ref: string) =>
    (await sql<{ end_date: string | null; manager_id: number | null; job_title: string | null; organisation: string }>(
      t.dataSource,
      'SELECT s.end_date, s.manager_id, s.job_title, o.code AS organisation FROM staff s JOIN organisations o ON o.id = s.organisation_id WHERE s.employee_ref = $1',
      [ref],
    ))[0];

  describe('the same file gives the same answer every time', () => {
    const rows = [['Employee Number', 'First Name', 'Last Name', 'Organisation Code', 'Start Date'], ...Array.from({ length: 40 }, (_, i) => [`SAME${i}`, 'Sam', `Same ${i}`, 'WCC-ASC', '01/04/2024'])];

    it.each(['csv', 'xlsx'])('a %s file uploaded 100 times (dry run) previews the same each time', async (format) => {
      const file = format === 'csv' ? csv(...rows.map((r) => r.join(','))) : await excelOrder(await xlsx(rows));
      const answers = new Set<string>();
      for (let i = 0; i < 100; i++) {
        const res = await post('/api/imports/staff?dryRun=true', file, `esr.${format}`).expect(200);
        answers.add(JSON.stringify({ counts: res.body.counts, errors: res.body.errors, columns: res.body.columns, message: res.body.message }));
      }
      expect(answers.size).toBe(1);
      const [answer] = [...answers].map((a) => JSON.parse(a));
      expect(answer.counts).toMatchObject({ rows: 40, created: 40, errorRows: 0 });
      expect(answer.columns.headerRow).toBe(1);
    }, 300_000);
  });

  describe('Totara report builder export: title and filter rows above the header', () => {
    const file = () =>
      csv(
        '"Report: Prevent course completions"',
        '"Filters: Course name contains ""Prevent"""',
        '',
        '"User\'s Fullname","User ID Number","Course Name","Completion Status","Date Completed"',
        '"Tess One","T1","Prevent awareness e-learning","Complete","12 Jun 2025"',
        '"Tess Two","T2","WRAP","Complete via RPL","12-Jun-2025"',
        '"Tess Three","T3","WRAP","In progress",""',
        '"Tess Four","T4","WRAP","Not yet started",""',
      );

    it('finds the header on row 4, says so, and leaves out the rows that are not completions', async () => {
      const res = await post('/api/imports/completions?dryRun=true', file(), 'totara.csv').expect(200);
      expect(res.body.columns).toMatchObject({ headerRow: 4, headerHow: 'detected', rowsAbove: [1, 2], source: { id: 'totara' } });
      expect(res.body.counts).toMatchObject({ rows: 4, created: 2, excluded: 2, errorRows: 0, skipped: 2 });
      expect(res.body.errors).toEqual([]);
    });

    it('imports the completions, which count afterwards', async () => {
      await post('/api/imports/completions', file(), 'totara.csv').expect(201);
      const levels = await sql<{ employee_ref: string; code: string; completed_on: string }>(
        t.dataSource,
        `SELECT s.employee_ref, l.code, c.completed_on FROM completions c JOIN staff s ON s.id = c.staff_id JOIN levels l ON l.id = c.level_id WHERE s.employee_ref IN ('T1', 'T2') ORDER BY s.employee_ref`,
      );
      expect(levels).toEqual([
        { employee_ref: 'T1', code: 'L1', completed_on: '2025-06-12' },
        { employee_ref: 'T2', code: 'L2', completed_on: '2025-06-12' },
      ]);
    });

    it('takes another row as the header when asked', async () => {
      const res = await post('/api/imports/completions?dryRun=true&headerRow=1', file(), 'totara.csv').expect(200);
      expect(res.body.columns).toMatchObject({ headerRow: 1, headerHow: 'given' });
      expect(res.body.message).toMatch(/Columns missing/);
    });
  });

  describe('Moodle course completion download: UTF-16 "Unicode text", one course a file', () => {
    const file = () =>
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        iconv.encode(
          [
            'First name\tSurname\tEmail address\tCourse complete',
            'Tess\tOne\tt1@example.gov.uk\tTuesday, 3 March 2026, 2:05 PM',
            'Tess\tThree\tT3@example.gov.uk\tNot completed',
            'Tess\tFour\tt4@example.gov.uk\t03/03/26, 14:05',
            '',
          ].join('\r\n'),
          'utf-16le',
        ),
      ]);

    it('needs to be told the course, then reads Moodle dates and leaves out the rows not completed', async () => {
      const without = await post('/api/imports/completions?dryRun=true', file(), 'wrap.txt').expect(200);
      expect(without.body.columns.missing).toEqual(['course_name or level_code']);
      expect(without.body.columns.source).toMatchObject({ id: 'moodle' });

      const res = await post('/api/imports/completions?course=WRAP', file(), 'wrap.txt').expect(201);
      expect(res.body.counts).toMatchObject({ rows: 3, created: 2, excluded: 1, errorRows: 0 });
      expect(res.body.options).toMatchObject({ course: 'WRAP' });
      const rows = await sql<{ employee_ref: string; code: string; completed_on: string; evidence: string }>(
        t.dataSource,
        `SELECT s.employee_ref, l.code, c.completed_on, c.evidence FROM completions c JOIN staff s ON s.id = c.staff_id JOIN levels l ON l.id = c.level_id
         WHERE s.employee_ref IN ('T1', 'T4') AND c.completed_on = '2026-03-03' ORDER BY s.employee_ref`,
      );
      expect(rows).toEqual([
        { employee_ref: 'T1', code: 'L2', completed_on: '2026-03-03', evidence: 'WRAP' },
        { employee_ref: 'T4', code: 'L2', completed_on: '2026-03-03', evidence: 'WRAP' },
      ]);
    });

    it('refuses a course that is not in the course mappings, writing nothing', async () => {
      const before = await snapshot();
      const res = await post('/api/imports/completions?course=Fire%20safety', file(), 'wrap.txt').expect(422);
      expect(res.body.message).toMatch(/the course "Fire safety" is not linked to a level/);
      expect(await snapshot()).toEqual(before);
    });
  });

  it("re-imports the tracker's own gap analysis list of people: recognised, nothing new, people without a completion left out", async () => {
    for (const ref of ['T1', 'T2', 'T3', 'T4']) {
      const id = (await sql<{ id: number }>(t.dataSource, 'SELECT id FROM staff WHERE employee_ref = $1', [ref]))[0].id;
      await t.http().patch(`/api/staff/${id}`).send({ roleCodes: ['FRONTLINE'] }).expect(200);
    }
    const exported = await t.http().get(`/api/reports/gap-analysis/people?organisation=WCC-ASC&level=L2&status=compliant,expiring,expired,missing&format=csv`).expect(200);
    const res = await post('/api/imports/completions?dryRun=true', Buffer.from(exported.text, 'utf8'), 'gap-analysis.csv').expect(200);
    expect(res.body.columns.source).toMatchObject({ id: 'tracker-gap-analysis' });
    expect(res.body.errors).toEqual([]);
    // T1, T2 and T4 hold L2 already (Totara and Moodle above); T3 has no completion.
    expect(res.body.counts).toMatchObject({ rows: 4, created: 0, duplicates: 3, excluded: 1 });
  });

  describe('ESR staff extract: unit names, staff groups, role rules', () => {
    const header = ['Employee Number', 'First Name', 'Last Name', 'Organisation', 'Position Title', 'Staff Group', 'Job Role', 'Latest Start Date', 'Assignment Status'];
    const file = () =>
      xlsx([
        header,
        ['E100', 'Nia', 'Nurse', 'Adult Community Services', 'Community Nurse Band 5', 'Nursing and Midwifery Registered', 'Staff Nurse', '12-JUN-2023', 'Active Assignment'],
        ['E101', 'Sam', 'Safeguard', 'Adult Community Services', 'Named Nurse Safeguarding', 'Nursing and Midwifery Registered', 'Safeguarding Lead', '01-APR-2020', 'Active Assignment'],
        ['E102', 'Fin', 'Finance', 'Corporate Finance Team', 'Finance Officer', 'Administrative and Clerical', 'Finance Officer', '01-APR-2021', 'Active Assignment'],
        ['E103', 'Lee', 'Leaver', 'Adult Community Services', 'Healthcare Assistant', 'Additional Clinical Services', 'Healthcare Assistant', '01-APR-2021', 'Inactive'],
      ]);

    beforeAll(async () => {
      await t
        .http()
        .put('/api/imports/role-rules')
        .send({
          rules: [
            { field: 'organisation', operator: 'starts_with', value: 'NHS', roleCode: 'ALL' },
            { field: 'staff_group', operator: 'starts_with', value: 'nursing', roleCode: 'FRONTLINE' },
            { field: 'job_title', operator: 'contains', value: 'safeguarding lead', roleCode: 'DSL' },
          ],
        })
        .expect(200);
    });

    it('reads Organisation as unit names, lists those not linked yet, and links them when told', async () => {
      const first = await post('/api/imports/staff?dryRun=true&organisation=NHS', await file(), 'esr.xlsx').expect(200);
      expect(first.body.columns.source).toMatchObject({ id: 'esr' });
      expect(first.body.unlinkedOrganisationNames).toEqual(['Corporate Finance Team']);
      expect(first.body.errors).toEqual([
        {
          row: 4,
          column: 'Organisation',
          value: 'Corporate Finance Team',
          reason: 'the organisation "Corporate Finance Team" is not linked to one of the tracker\'s organisations: link it in the organisation names step',
        },
      ]);
      // Our own organisation names match without being told; inactive people the tracker does not hold are left out.
      expect(first.body.counts).toMatchObject({ rows: 4, created: 2, excluded: 1, errorRows: 1 });

      const linked = await t
        .http()
        .post('/api/imports/staff?dryRun=true&organisation=NHS')
        .field('organisationNames', JSON.stringify({ 'Corporate Finance Team': 'NHS' }))
        .attach('file', await file(), 'esr.xlsx')
        .expect(200);
      expect(linked.body.counts).toMatchObject({ created: 3, excluded: 1, errorRows: 0 });
    });

    it('shows the roles each person gets, then gives them, so their requirements count', async () => {
      const res = await t
        .http()
        .post('/api/imports/staff?organisation=NHS')
        .field('organisationNames', JSON.stringify({ 'Corporate Finance Team': 'NHS' }))
        .attach('file', await file(), 'esr.xlsx')
        .expect(201);
      expect(res.body.roleChangeCount).toBe(3);
      expect(res.body.roleChanges).toEqual([
        { row: 2, employeeRef: 'E100', name: 'Nia Nurse', before: null, after: ['ALL', 'FRONTLINE'] },
        { row: 3, employeeRef: 'E101', name: 'Sam Safeguard', before: null, after: ['ALL', 'DSL', 'FRONTLINE'] },
        { row: 4, employeeRef: 'E102', name: 'Fin Finance', before: null, after: ['ALL'] },
      ]);
      expect(await rolesOf('E100')).toEqual(['ALL', 'FRONTLINE']);
      expect(await staffRow('E102')).toMatchObject({ organisation: 'NHS', job_title: 'Finance Officer' });
      expect(await staffRow('E103')).toBeUndefined();
      // FRONTLINE needs L2: the two nurses now count in the gap analysis.
      const gap = await t.http().get(`/api/reports/gap-analysis?organisation=NHS&asOf=${todayIso()}`).expect(200);
      expect(gap.body.levels.find((l: { level: string }) => l.level === 'L2')).toMatchObject({ required: 2 });

      // The next import remembers the names; nobody changes.
      const again = await post('/api/imports/staff?dryRun=true&organisation=NHS', await file(), 'esr.xlsx').expect(200);
      expect(again.body).toMatchObject({ unlinkedOrganisationNames: [], roleChangeCount: 0, counts: { unchanged: 3, excluded: 1 } });
    });

    it('keeps a role set by hand, takes away a role a rule gave once no rule gives it, and re-applies to everyone', async () => {
      const id = (await sql<{ id: number }>(t.dataSource, `SELECT id FROM staff WHERE employee_ref = 'E102'`))[0].id;
      await t.http().patch(`/api/staff/${id}`).send({ roleCodes: ['ALL', 'PREVENT_LEAD'] }).expect(200);
      await t
        .http()
        .put('/api/imports/role-rules')
        .send({ rules: [{ field: 'staff_group', operator: 'starts_with', value: 'nursing', roleCode: 'FRONTLINE' }] })
        .expect(200);
      const preview = await t.http().post('/api/imports/role-rules/apply').send({ dryRun: true }).expect(200);
      expect(preview.body).toMatchObject({ dryRun: true, changed: 2 });
      expect(await rolesOf('E100')).toEqual(['ALL', 'FRONTLINE']);

      const applied = await t.http().post('/api/imports/role-rules/apply').send({}).expect(200);
      expect(applied.body.changes).toEqual(
        expect.arrayContaining([
          { row: 0, employeeRef: 'E100', name: 'Nia Nurse', before: ['ALL', 'FRONTLINE'], after: ['FRONTLINE'] },
          { row: 0, employeeRef: 'E101', name: 'Sam Safeguard', before: ['ALL', 'DSL', 'FRONTLINE'], after: ['FRONTLINE'] },
        ]),
      );
      // E102's roles were set by hand (ALL among them): they stay.
      expect(await rolesOf('E102')).toEqual(['ALL', 'PREVENT_LEAD']);
      // Who applied the rules is in the audit log: the rows were rewritten in bulk.
      const audit = (await t.http().get('/api/audit?action=apply_role_rules').expect(200)).body;
      expect((audit.items as { action: string; after: string | null }[]).map((e) => e.action)).toEqual(['apply_role_rules']);
      await t.http().put('/api/imports/role-rules').send({ rules: [] }).expect(200);
    });

    it('only an administrator changes the rules', async () => {
      const coordinator = await t.as('coordinator', 'NHS');
      await coordinator.get('/api/imports/role-rules').expect(200);
      await coordinator.put('/api/imports/role-rules').send({ rules: [] }).expect(403);
      await coordinator.post('/api/imports/role-rules/apply').send({}).expect(403);
      const res = await t.http().put('/api/imports/role-rules').send({ rules: [{ field: 'grade', operator: 'equals', value: 'x', roleCode: 'ALL' }] }).expect(400);
      expect(JSON.stringify(res.body)).toMatch(/field must be one of job_title, position, staff_group, department, organisation/);
    });
  });

  describe('SuccessFactors user data file: a second row of labels, STATUS and NO_MANAGER', () => {
    it('skips the label row, sets no manager for NO_MANAGER, and ends an inactive person\'s post', async () => {
      await person(t.http(), { employeeRef: 'SF3', organisationCode: 'WCC-ASC', startDate: '2020-01-06' });
      const file = csv(
        'STATUS,USERID,USERNAME,FIRSTNAME,LASTNAME,EMAIL,MANAGER,HR,DEPARTMENT,HIREDATE',
        'Status,User ID,Username,First Name,Last Name,Email,Manager,HR,Department,Hire Date',
        'active,SF1,sf1,Ade,Boss,sf1@example.gov.uk,NO_MANAGER,NO_HR,Adult Social Care,01/04/2022',
        'active,SF2,sf2,Bea,Worker,sf2@example.gov.uk,SF1,NO_HR,Adult Social Care,01/04/2023',
        'inactive,SF3,sf3,Cal,Gone,sf3@example.gov.uk,SF1,NO_HR,Adult Social Care,06/01/2020',
      );
      const extract = addDays(todayIso(), -7);
      const res = await post(`/api/imports/staff?organisation=WCC-ASC&extractDate=${extract}`, file, 'users.csv').expect(201);
      expect(res.body.columns).toMatchObject({ headerRow: 1, labelRows: [2], source: { id: 'successfactors' } });
      expect(res.body.counts).toMatchObject({ rows: 3, created: 2, updated: 1, errorRows: 0 });
      expect((await staffRow('SF1'))?.manager_id).toBeNull();
      expect((await staffRow('SF2'))?.manager_id).not.toBeNull();
      expect((await staffRow('SF3'))?.end_date).toBe(addDays(extract, -1));
    });
  });

  describe('iTrent people report: lost leading zeros, leavers, the extract date', () => {
    beforeAll(async () => {
      for (const ref of ['000123', '000124', '000125']) await person(t.http(), { employeeRef: ref, organisationCode: 'WCC', startDate: '2019-01-07' });
    });

    it('warns when numbers match existing references once padded, and when many would be marked as leavers', async () => {
      const file = await xlsx([
        ['Person Reference', 'Forename', 'Surname', 'Job Title', 'Continuous Service Date'],
        [123, 'Pat', 'One', 'Social Worker', '07/01/2019'],
        [124, 'Pat', 'Two', 'Social Worker', '07/01/2019'],
        [125, 'Pat', 'Three', 'Social Worker', '07/01/2019'],
      ]);
      const res = await post('/api/imports/staff?dryRun=true&organisation=WCC&markLeavers=true', file, 'itrent.xlsx').expect(200);
      expect(res.body.columns.source).toMatchObject({ id: 'itrent' });
      expect(res.body.counts).toMatchObject({ created: 3 });
      expect(res.body.warnings).toEqual([
        expect.stringMatching(/^This file would mark \d+ of the \d+ people in post in WCC as leavers \(\d+%\)/),
        expect.stringMatching(/^3 references in the file look like an existing reference that has lost its leading zeros \(for example 123 on row 2 for 000123\)/),
      ]);
    });

    it('gives leavers the day before the extract as their last day', async () => {
      const extract = addDays(todayIso(), -3);
      const file = csv('Person Reference,Forename,Surname,Continuous Service Date', '000123,Pat,One,07/01/2019', '000124,Pat,Two,07/01/2019');
      await post(`/api/imports/staff?organisation=WCC&markLeavers=true&extractDate=${extract}`, file, 'itrent.csv').expect(201);
      expect((await staffRow('000125'))?.end_date).toBe(addDays(extract, -1));
      expect((await staffRow('000123'))?.end_date).toBeNull();
      const future = await post(`/api/imports/staff?organisation=WCC&extractDate=${addDays(todayIso(), 1)}`, file, 'itrent.csv').expect(400);
      expect(future.body.message).toMatch(/extractDate: .* is in the future/);
    });

    it('says a manager\'s row has errors rather than that nobody has the reference', async () => {
      const file = csv('employee_ref,first_name,last_name,organisation_code,manager_employee_ref,start_date', 'OAK1001,Olive,Oak,WCC,,31/02/2024', 'OAK1002,Ash,Oak,WCC,OAK1001,01/02/2024');
      const res = await post('/api/imports/staff?dryRun=true', file, 'oak.csv').expect(200);
      expect(res.body.errors).toContainEqual({
        row: 3,
        column: 'manager_employee_ref',
        value: 'OAK1001',
        reason: 'the manager OAK1001 is on row 2 of this file, which has errors: correct that row and this one will follow',
      });
    });
  });

  // A file is refused as it is read, before anything is asked of the database, so once is enough:
  // on SQLite (these are the suite's slowest tests, megabytes of text each).
  if (kind === 'sqlite') describe('bad files answer 4xx naming the row or limit, and change nothing', () => {
    const refused = async (file: Buffer, name: string, message: RegExp, path = '/api/imports/staff', status = 422) => {
      const before = await snapshot();
      for (const query of ['?dryRun=true', '', '?keep=true']) {
        const res = await post(path + query, file, name).expect(status);
        expect(res.body.message).toMatch(message);
      }
      expect(await snapshot()).toEqual(before);
    };

    it('an empty file and a header-only file', async () => {
      await refused(Buffer.alloc(0), 'empty.csv', /the file is empty/);
      await refused(csv('employee_ref,first_name,last_name,organisation_code,start_date'), 'header.csv', /column headers \(row 1\) but no rows below them/);
      await refused(csv('employee_ref,level_code,completed_on'), 'header.csv', /no rows below them/, '/api/imports/completions');
    });

    it('a cell over 10,000 characters and a row of 10,000 columns', async () => {
      await refused(csv('employee_ref,first_name', `X1,${'a'.repeat(1024 * 1024)}`), 'cell.csv', /row 2, column 2 holds 1,048,576 characters: a cell may hold at most 10,000/);
      await refused(csv('employee_ref,first_name', `X1,"${'a'.repeat(6 * 1024 * 1024)}`), 'quote.csv', /row 2 holds more than 5,000,000 characters \(or a quote in it is never closed\)/);
      await refused(csv('employee_ref,first_name', Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')), 'wide.csv', /row 2 has 10000 columns: a file may have at most 500/);
    });

    it('a binary file named .csv, and a PDF', async () => {
      await refused(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10, 0x20, 0x00]), 'data.csv', /binary data, so it is neither CSV nor XLSX/);
      await refused(Buffer.from('%PDF-1.4 report'), 'report.csv', /a PDF document, neither CSV nor XLSX/);
    });

    it('more rows than the limit, and an XLSX that unpacks beyond the limit', async () => {
      const small = await createTestApp(kind, { IMPORT_MAX_ROWS: '5', IMPORT_MAX_XLSX_MB: '1' });
      try {
        await organisation(small.http(), 'WCC', null, { isEmployer: true });
        const lines = Array.from({ length: 6 }, (_, i) => `R${i},Row,${i},WCC,2024-01-01`);
        const rows = await small.http().post('/api/imports/staff').attach('file', csv('employee_ref,first_name,last_name,organisation_code,start_date', ...lines), 'rows.csv').expect(422);
        expect(rows.body.message).toMatch(/more than 5 rows \(row 7 is past the limit\): split it into files of at most 5 rows/);
        // 1 MB of zip that unpacks to far more: refused from the zip's directory, before inflating.
        const bomb = await xlsx([['employee_ref'], ...Array.from({ length: 400 }, (_, i) => [`${i} ${'x'.repeat(9_000)}`])]);
        expect(bomb.length).toBeLessThan(1024 * 1024);
        const big = await small.http().post('/api/imports/staff').attach('file', bomb, 'bomb.xlsx').expect(422);
        expect(big.body.message).toMatch(/unpacks to more than 1 MB, the most the tracker reads/);
        expect(Number((await small.dataSource.query('SELECT COUNT(*) AS n FROM staff'))[0].n)).toBe(0);
        expect(Number((await small.dataSource.query('SELECT COUNT(*) AS n FROM imports'))[0].n)).toBe(0);
      } finally {
        await small.close();
      }
    });
  });

  it('errors.csv says when it stops at the first 100,000 errors', async () => {
    const lines = Array.from({ length: 100_002 }, (_, i) => `NOBODY${i},L1,2024-01-01`);
    const kept = await post('/api/imports/completions?keep=true', csv('employee_ref,level_code,completed_on', ...lines), 'many.csv').expect(201);
    expect(kept.body.errorCount).toBe(100_002);
    const errors = await t.http().get(`/api/imports/${kept.body.id}/errors.csv`).expect(200);
    const last = errors.text.trim().split(/\r?\n/).pop();
    expect(last).toBe('"","","","This list stops at the first 100,000 of the 100,002 errors: correct these and check the file again to see the rest."');
    await t.http().post(`/api/imports/${kept.body.id}/cancel`).send({}).expect(200);
  }, 120_000);

  it('an import cut off by a crash is marked interrupted, nothing written, at the next start', async () => {
    const [record] = await sql<{ id: number }>(
      t.dataSource,
      `INSERT INTO imports (kind, status, file_name, created_by) VALUES ('staff', 'importing', 'crashed.csv', 'someone@example.gov.uk') RETURNING id`,
    );
    await t.app.get(ImportsService).onApplicationBootstrap();
    const res = await t.http().get(`/api/imports/${record.id}`).expect(200);
    expect(res.body).toMatchObject({ status: 'interrupted', message: expect.stringContaining('nothing from it was written') });
  });
});
