import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { addDays, todayIso } from '../src/common/dates';
import { sql } from '../src/database/sql';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person, role } from './support/builders';

const HEADER = 'employee_ref,first_name,last_name,email,organisation_code,roles,manager_employee_ref,start_date,end_date';

/** A CSV file from lines (CRLF, as Excel writes them). */
const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

interface StaffRow {
  employee_ref: string;
  first_name: string;
  last_name: string;
  email: string | null;
  organisation: string;
  manager_ref: string | null;
  start_date: string;
  end_date: string | null;
  roles: string | null;
}

describeEachDatabase('staff imports', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const http = t.http();
    await organisation(http, 'WPP', null, { sector: 'other' });
    await organisation(http, 'WCC', 'WPP', { isEmployer: true });
    await organisation(http, 'WCC-CYP', 'WCC');
    await organisation(http, 'WCC-ASC', 'WCC');
    await organisation(http, 'NHS', 'WPP', { isEmployer: true, sector: 'health' });
    await role(http, 'ALL');
    await role(http, 'DSL');
  });
  afterAll(() => t.close());

  const upload = (path: string, file: Buffer, name = 'staff.csv') => t.http().post(path).attach('file', file, name);

  const staff = async (ref: string, employer = 'WCC'): Promise<StaffRow | undefined> =>
    (
      await sql<StaffRow>(
        t.dataSource,
        `SELECT s.employee_ref, s.first_name, s.last_name, s.email, o.code AS organisation, m.employee_ref AS manager_ref, s.start_date, s.end_date,
                (SELECT ${kind === 'postgres' ? "string_agg(r.code, ';' ORDER BY r.code)" : "group_concat(r.code, ';')"}
                 FROM staff_roles sr JOIN roles r ON r.id = sr.role_id WHERE sr.staff_id = s.id) AS roles
         FROM staff s JOIN organisations o ON o.id = s.organisation_id JOIN organisations e ON e.id = s.employer_id
         LEFT JOIN staff m ON m.id = s.manager_id WHERE s.employee_ref = $1 AND e.code = $2`,
        [ref, employer],
      )
    )[0];
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  describe('the preview (dry run)', () => {
    it('answers counts and writes nothing, not even a record of the import', async () => {
      const file = csv(HEADER, 'P1,Amira,Khan,amira@example.gov.uk,WCC,ALL,,2024-04-01,', 'P2,Ben,Cole,,WCC-CYP,ALL;DSL,P1,2024-04-01,');
      const res = await upload('/api/imports/staff?dryRun=true', file).expect(200);
      expect(res.body).toMatchObject({ id: null, status: 'preview', kind: 'staff', fileName: 'staff.csv', errorCount: 0, errors: [] });
      expect(res.body.counts).toEqual({ rows: 2, created: 2, updated: 0, unchanged: 0, duplicates: 0, leavers: 0, excluded: 0, errorRows: 0, skipped: 0 });
      expect(await staff('P1')).toBeUndefined();
      expect(await count('imports')).toBe(0);
    });
  });

  describe('dates', () => {
    it('accepts YYYY-MM-DD, dd/mm/yyyy and d/m/yyyy, never US order', async () => {
      const file = csv(
        HEADER,
        'D1,Iso,Date,,WCC,,,2024-03-05,',
        'D2,Uk,Date,,WCC,,,05/03/2024,',
        'D3,Short,Date,,WCC,,,5/3/2024,31/12/2025',
      );
      const res = await upload('/api/imports/staff', file).expect(201);
      expect(res.body.counts.created).toBe(3);
      for (const ref of ['D1', 'D2', 'D3']) expect((await staff(ref))?.start_date).toBe('2024-03-05');
      expect((await staff('D3'))?.end_date).toBe('2025-12-31');
    });

    it('reports an impossible and a US-order date on their rows and columns, saying what to write', async () => {
      const file = csv(HEADER, 'B1,Bad,Date,,WCC,,,31/02/2025,', 'B2,Us,Order,,WCC,,,12/31/2025,', 'B3,Two,Digits,,WCC,,,2024-01-01,03/04/25');
      const res = await upload('/api/imports/staff?dryRun=true', file).expect(200);
      expect(res.body.errors).toEqual([
        { row: 2, column: 'start_date', value: '31/02/2025', reason: '31/02/2025 is not a real date' },
        {
          row: 3,
          column: 'start_date',
          value: '12/31/2025',
          reason: '12/31/2025 is not a real date: dates are read day first, so this would be month 31. If you meant 31 December 2025, write 31/12/2025 or 2025-12-31',
        },
      ]);
      expect(res.body.counts).toMatchObject({ created: 1, errorRows: 2 });
    });

    it('reads XLSX date cells and plain serial numbers as dates', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Staff');
      sheet.addRow(['Employee Ref', 'First Name', 'Last Name', 'Organisation Code', 'Start Date', 'End Date']);
      // A real date cell (Excel stores it as a serial with a date format) and a bare serial number.
      sheet.addRow(['X1', 'Excel', 'Date', 'WCC', new Date(Date.UTC(2023, 8, 4)), null]);
      sheet.addRow(['X2', 'Excel', 'Serial', 'WCC', 45170, 45291]);
      sheet.addRow(['X3', 'Excel', 'Text', 'WCC', '04/09/2023', null]);
      sheet.getCell('E2').numFmt = 'dd/mm/yyyy';
      const file = Buffer.from(await workbook.xlsx.writeBuffer());
      const res = await upload('/api/imports/staff', file, 'staff.xlsx').expect(201);
      expect(res.body.counts.created).toBe(3);
      expect((await staff('X1'))?.start_date).toBe('2023-09-04');
      expect(await staff('X2')).toMatchObject({ start_date: '2023-09-01', end_date: '2023-12-31' });
      expect((await staff('X3'))?.start_date).toBe('2023-09-04');
    });
  });

  describe('errors on their rows', () => {
    it('an unknown organisation, role and manager, and a repeated reference', async () => {
      const file = csv(
        HEADER,
        'U1,Un,Known,,NOPE,,,2024-01-01,',
        'U2,Bad,Role,,WCC,ALL;WIZARD,,2024-01-01,',
        'U3,No,Manager,,WCC,,GHOST,2024-01-01,',
        'U4,First,Copy,,WCC,,,2024-01-01,',
        'U4,Second,Copy,,WCC-CYP,,,2024-01-01,',
        'U5,Bad,Email,not-an-email,WCC,,,2024-01-01,',
        ',No,Reference,,WCC,,,2024-01-01,',
      );
      const res = await upload('/api/imports/staff?dryRun=true', file).expect(200);
      expect(res.body.errors).toEqual([
        { row: 2, column: 'organisation_code', value: 'NOPE', reason: 'no organisation with code NOPE' },
        { row: 3, column: 'roles', value: 'ALL;WIZARD', reason: 'no role with code WIZARD' },
        { row: 4, column: 'manager_employee_ref', value: 'GHOST', reason: 'no person with employee reference GHOST in the same employer' },
        { row: 6, column: 'employee_ref', value: 'U4', reason: 'employee reference U4 is also on row 5' },
        { row: 7, column: 'email', value: 'not-an-email', reason: 'not-an-email is not an email address' },
        { row: 8, column: 'employee_ref', value: null, reason: 'employee_ref is empty' },
      ]);
      expect(res.body.counts).toMatchObject({ rows: 7, created: 1, errorRows: 6, skipped: 6 });
    });

    it('a missing column, on the header row, and nothing else is read', async () => {
      const res = await upload('/api/imports/staff?dryRun=true', csv('employee_ref,first_name,organisation_code,start_date', 'M1,Missing,WCC,2024-01-01')).expect(200);
      expect(res.body.errors).toEqual([
        { row: 1, column: 'last_name', value: null, reason: 'the column last_name is missing: add it to the file, or say which of your columns holds it' },
      ]);
      expect(res.body.columns.missing).toEqual(['last_name']);
      expect(res.body.message).toMatch(/Columns missing: last_name/);
    });

    it('an organisation outside a coordinator\'s own, answered as unknown so the file reveals nothing beyond it', async () => {
      const coordinator = await t.as('coordinator', 'WCC');
      const res = await coordinator
        .post('/api/imports/staff?dryRun=true')
        .attach('file', csv(HEADER, 'C1,In,Scope,,WCC-CYP,,,2024-01-01,', 'C2,Out,Of,,NHS,,,2024-01-01,'), 'staff.csv')
        .expect(200);
      expect(res.body.errors).toEqual([{ row: 3, column: 'organisation_code', value: 'NHS', reason: 'no organisation with code NHS' }]);
    });

    it('refuses other roles, and uploads without a file', async () => {
      const manager = await t.as('manager', 'WCC');
      await manager.post('/api/imports/staff?dryRun=true').attach('file', csv(HEADER), 'staff.csv').expect(403);
      const res = await t.http().post('/api/imports/staff?dryRun=true').field('markLeavers', 'true').expect(400);
      expect(res.body.message).toMatch(/choose a CSV or XLSX file/);
    });
  });

  describe('cell contents', () => {
    it('keeps formula-looking cells as plain text, and quotes them only in the CSV of errors', async () => {
      const formula = '=HYPERLINK("http://evil.example","click")';
      const file = csv(HEADER, `F1,"${formula.replace(/"/g, '""')}",+Plus,,WCC,,,2024-01-01,`, `F2,Bad,Row,,WCC,,,=1+1,`);
      const res = await upload('/api/imports/staff?validRowsOnly=true', file).expect(201);
      expect(await staff('F1')).toMatchObject({ first_name: formula, last_name: '+Plus' });
      const errors = await t.http().get(`/api/imports/${res.body.id}/errors.csv`).expect(200);
      expect(errors.headers['content-type']).toMatch(/text\/csv/);
      expect(errors.text).toContain("'=1+1");
      expect(errors.text).not.toMatch(/,=1\+1/);
    });

    it('reads a Windows-1252 file (as Excel on Windows saves CSV)', async () => {
      const file = iconv.encode(['employee_ref;first_name;last_name;organisation_code;start_date', 'W1;Zoë;Ó Súilleabháin;WCC;01/02/2024', ''].join('\r\n'), 'win1252');
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow();
      await upload('/api/imports/staff', file).expect(201);
      expect(await staff('W1')).toMatchObject({ first_name: 'Zoë', last_name: 'Ó Súilleabháin', start_date: '2024-02-01' });
    });

    it('reads a UTF-8 file with a byte order mark, headers in any case and spacing', async () => {
      const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv('Employee Ref,FIRST_NAME,Last name,Organisation_Code,start date', 'BOM1,Łucja,Nowak,WCC,2024-02-01')]);
      const res = await upload('/api/imports/staff', file).expect(201);
      expect(res.body.counts.created).toBe(1);
      expect(await staff('BOM1')).toMatchObject({ first_name: 'Łucja', last_name: 'Nowak' });
    });
  });

  describe('re-importing', () => {
    const team = (...extra: string[]) =>
      csv(
        HEADER,
        'R1,Rosa,Lead,rosa@example.gov.uk,WCC-ASC,ALL;DSL,,2022-01-10,',
        'R2,Raj,Worker,,WCC-ASC,ALL,R1,2022-02-01,',
        'R3,Rhi,Worker,,WCC-ASC,ALL,R1,2022-03-01,',
        ...extra,
      );

    it('creates, then changes nothing the second time, then updates only changed rows', async () => {
      // The manager R1 of row 2 is the first row; R4 names a manager further down the file.
      const first = await upload('/api/imports/staff', team('R4,Ravi,Later,,WCC-ASC,ALL,R5,2023-01-01,', 'R5,Rory,Boss,,WCC-ASC,ALL,,2021-01-01,')).expect(201);
      expect(first.body.counts).toMatchObject({ created: 5, updated: 0, unchanged: 0 });
      expect(await staff('R4')).toMatchObject({ manager_ref: 'R5' });
      expect(await staff('R1')).toMatchObject({ roles: 'ALL;DSL', email: 'rosa@example.gov.uk' });

      const again = await upload('/api/imports/staff', team('R4,Ravi,Later,,WCC-ASC,ALL,R5,2023-01-01,', 'R5,Rory,Boss,,WCC-ASC,ALL,,2021-01-01,')).expect(201);
      expect(again.body.counts).toEqual({ rows: 5, created: 0, updated: 0, unchanged: 5, duplicates: 0, leavers: 0, excluded: 0, errorRows: 0, skipped: 5 });

      const changed = await upload(
        '/api/imports/staff',
        csv(
          HEADER,
          'R1,Rosa,Lead-Smith,rosa@example.gov.uk,WCC-ASC,ALL,,2022-01-10,',
          'R2,Raj,Worker,,WCC-ASC,ALL,R5,2022-02-01,',
          'R3,Rhi,Worker,,WCC-ASC,ALL,R1,2022-03-01,',
          'R4,Ravi,Later,,WCC-CYP,ALL,R5,2023-01-01,',
          'R5,Rory,Boss,,WCC-ASC,ALL,,2021-01-01,',
        ),
      ).expect(201);
      expect(changed.body.counts).toMatchObject({ created: 0, updated: 3, unchanged: 2 });
      expect(await staff('R1')).toMatchObject({ last_name: 'Lead-Smith', roles: 'ALL' });
      expect(await staff('R2')).toMatchObject({ manager_ref: 'R5' });
      expect(await staff('R4')).toMatchObject({ organisation: 'WCC-CYP' });
    });

    it('refuses a manager loop', async () => {
      const res = await upload('/api/imports/staff?dryRun=true', csv(HEADER, 'R5,Rory,Boss,,WCC-ASC,ALL,R2,2021-01-01,')).expect(200);
      expect(res.body.errors).toEqual([
        { row: 2, column: 'manager_employee_ref', value: 'R2', reason: 'R2 reports to this person (directly or through others), so cannot be their manager' },
      ]);
    });
  });

  describe('leavers', () => {
    beforeAll(async () => {
      for (const ref of ['L1', 'L2', 'L3']) await person(t.http(), { employeeRef: ref, organisationCode: 'WCC-CYP', startDate: '2020-01-06' });
      await person(t.http(), { employeeRef: 'L9', organisationCode: 'NHS', startDate: '2020-01-06' });
      await person(t.http(), { employeeRef: 'L8', organisationCode: 'WCC-CYP', startDate: '2020-01-06', endDate: '2021-01-01' });
    });

    it('marks people of the organisations in the file who are absent from it, keeping them, with yesterday as their last day', async () => {
      const before = await count('staff');
      const file = csv(HEADER, 'L1,Pat,L1,,WCC-CYP,,,2020-01-06,', 'L2,Pat,L2,,WCC-CYP,,,2020-01-06,');
      const preview = await upload('/api/imports/staff?dryRun=true&organisation=WCC-CYP&markLeavers=true', file).expect(200);
      // Everyone current in WCC-CYP but L1 and L2: L3, plus the earlier tests' people there.
      const current = await sql<{ employee_ref: string }>(
        t.dataSource,
        `SELECT s.employee_ref FROM staff s JOIN organisations o ON o.id = s.organisation_id WHERE o.code = 'WCC-CYP' AND s.end_date IS NULL AND s.employee_ref NOT IN ('L1', 'L2')`,
      );
      expect(preview.body.counts.leavers).toBe(current.length);
      expect((await staff('L3'))?.end_date).toBeNull();

      const res = await upload('/api/imports/staff?organisation=WCC-CYP&markLeavers=true', file).expect(201);
      expect(res.body.counts).toMatchObject({ leavers: current.length, unchanged: 2 });
      expect(res.body.markLeavers).toBe(true);
      // Still in post on the day before the extract (today, by default): that is their last day.
      expect((await staff('L3'))?.end_date).toBe(addDays(todayIso(), -1));
      expect((await staff('L1'))?.end_date).toBeNull();
      expect((await staff('L8'))?.end_date).toBe('2021-01-01');
      expect((await staff('L9', 'NHS'))?.end_date).toBeNull();
      expect(await count('staff')).toBe(before);
    });
  });

  describe('a large file with one bad row', () => {
    const rows = 10_000;
    const big = (badRow: number | null) => {
      const lines = [HEADER];
      for (let i = 1; i <= rows; i++) lines.push(`BIG${i},Person,${i},,WCC,ALL,,${i + 1 === badRow ? '2024-13-01' : '2024-01-15'},`);
      return csv(...lines);
    };

    it('imports nothing, and says which row is wrong', async () => {
      const before = await count('staff');
      const res = await upload('/api/imports/staff', big(5_002)).expect(422);
      expect(res.body).toMatchObject({ status: 'failed', errorCount: 1, counts: { rows: rows, created: rows - 1, errorRows: 1 } });
      expect(res.body.errors).toEqual([{ row: 5_002, column: 'start_date', value: '2024-13-01', reason: '2024-13-01 is not a real date' }]);
      expect(res.body.message).toMatch(/Nothing was imported: 1 row has errors/);
      expect(await count('staff')).toBe(before);
      const recorded = await t.http().get(`/api/imports/${res.body.id}`).expect(200);
      expect(recorded.body).toMatchObject({ status: 'failed', errorCount: 1 });
    });

    it('imports the valid rows only when asked, and records that choice', async () => {
      const before = await count('staff');
      const res = await upload('/api/imports/staff?validRowsOnly=true', big(7)).expect(201);
      expect(res.body).toMatchObject({ status: 'completed', validRowsOnly: true, counts: { created: rows - 1, errorRows: 1 } });
      expect(await count('staff')).toBe(before + rows - 1);
      expect(await staff('BIG6')).toBeUndefined();
      expect((await staff('BIG10000'))?.roles).toBe('ALL');
    });
  });

  describe('header mapping', () => {
    const file = () => csv('Payroll No,Forename,Surname,Org,Started', 'PAY1,Mo,Map,WCC,2024-01-01');

    it('asks for a mapping, applies the one given, and remembers it for the organisation', async () => {
      const preview = await upload('/api/imports/staff?dryRun=true&organisation=WCC', file()).expect(200);
      expect(preview.body.columns.missing).toEqual(['employee_ref', 'start_date']);
      expect(preview.body.columns.unrecognised).toEqual(['Payroll No', 'Org', 'Started']);

      const mapped = await t
        .http()
        .post('/api/imports/staff?organisation=WCC')
        .field('mapping', JSON.stringify({ 'Payroll No': 'employee_ref', Started: 'start_date', Org: 'organisation_code' }))
        .attach('file', file(), 'payroll.csv')
        .expect(201);
      expect(mapped.body.counts.created).toBe(1);
      expect(await staff('PAY1')).toMatchObject({ first_name: 'Mo', start_date: '2024-01-01' });

      const remembered = await upload('/api/imports/staff?dryRun=true&organisation=WCC', file()).expect(200);
      expect(remembered.body.columns.missing).toEqual([]);
      expect(remembered.body.counts.unchanged).toBe(1);
      const elsewhere = await upload('/api/imports/staff?dryRun=true&organisation=NHS', file()).expect(200);
      expect(elsewhere.body.columns.missing).toEqual(['employee_ref', 'start_date']);
    });

    it('refuses a mapping to a field that does not exist', async () => {
      const res = await t.http().post('/api/imports/staff?dryRun=true').field('mapping', '{"Payroll No": "payroll"}').attach('file', file(), 'p.csv').expect(400);
      expect(res.body.message).toMatch(/payroll is not a column of a staff import/);
    });
  });

  describe('preview kept, then confirmed', () => {
    it('records the preview, writes on confirm, and lists the import', async () => {
      const file = csv(HEADER, 'K1,Kept,One,,WCC,,,2024-01-01,', 'K2,Kept,Two,,WCC,,,2024-99-01,');
      const kept = await upload('/api/imports/staff?keep=true', file, 'kept.csv').expect(201);
      expect(kept.body).toMatchObject({ status: 'previewed', counts: { created: 1, errorRows: 1 } });
      expect(await staff('K1')).toBeUndefined();

      const refused = await t.http().post(`/api/imports/${kept.body.id}/confirm`).send({}).expect(422);
      expect(refused.body.status).toBe('previewed');
      expect(await staff('K1')).toBeUndefined();

      const done = await t.http().post(`/api/imports/${kept.body.id}/confirm`).send({ validRowsOnly: true }).expect(201);
      expect(done.body).toMatchObject({ status: 'completed', validRowsOnly: true, counts: { created: 1 } });
      expect(await staff('K1')).toBeDefined();
      await t.http().post(`/api/imports/${kept.body.id}/confirm`).send({}).expect(409);
      const audit = await sql<{ action: string; entity: string; after_json: string }>(
        t.dataSource,
        'SELECT action, entity, after_json FROM audit_log WHERE entity_key = $1',
        [`import ${kept.body.id}`],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'import', entity: 'staff' });
      expect(JSON.parse(audit[0].after_json)).toMatchObject({ fileName: 'kept.csv', validRowsOnly: true, counts: { created: 1, errorRows: 1 } });

      const list = await t.http().get('/api/imports').expect(200);
      expect(list.body.items[0]).toMatchObject({ id: kept.body.id, fileName: 'kept.csv', status: 'completed', createdBy: expect.stringContaining('@') });
      const errors = await t.http().get(`/api/imports/${kept.body.id}/errors.csv`).expect(200);
      expect(errors.text).toBe('\uFEFF"row","column","value","reason"\r\n"3","start_date","2024-99-01","2024-99-01 is not a real date"\r\n');
    });
  });
});
