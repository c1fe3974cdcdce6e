import { sql } from '../src/database/sql';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person, role } from './support/builders';

/** The text a person reads: tags stripped, whitespace and entities tidied. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/\s+/g, ' ');
}

const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

describeEachDatabase('import pages', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    await organisation(t.http(), 'WCC', null, { isEmployer: true });
    await organisation(t.http(), 'WCC-CYP', 'WCC');
    await role(t.http(), 'ALL');
  });
  afterAll(() => t.close());

  const staffCount = async () => Number((await sql<{ n: number }>(t.dataSource, 'SELECT COUNT(*) AS n FROM staff'))[0].n);

  it('offers the upload form with the kinds of file and the organisations', async () => {
    const res = await t.http().get('/imports/new').expect(200);
    const text = visibleText(res.text);
    expect(text).toContain('Upload a file');
    expect(text).toContain('A staff list');
    expect(text).toContain('Training completions');
    expect(res.text).toContain('enctype="multipart/form-data"');
    expect(res.text).toContain('<option value="WCC-CYP"');
  });

  it('explains what is missing when the form is sent without a choice or a file', async () => {
    const res = await t.http().post('/imports/new').field('kind', '').field('organisation', 'WCC-CYP').expect(422);
    const text = visibleText(res.text);
    expect(text).toContain('There is a problem');
    // Both problems at once, in the order of the form, each linked to its input.
    expect(res.text).toMatch(/<a href="#kind">Choose what the file holds<\/a>[\s\S]*<a href="#file">Choose a CSV or Excel file<\/a>/);
    expect(res.text).toContain('id="kind-error"');
    expect(res.text).toContain('id="file-error"');
    // What was chosen is kept.
    expect(res.text).toMatch(/<option value="WCC-CYP" selected>/);
    const unknown = await t.http().post('/imports/new').field('kind', 'staff').field('organisation', 'NOPE').attach('file', csv('employee_ref'), 'staff.csv').expect(404);
    expect(unknown.text).toContain('<a href="#organisation">No organisation with code NOPE</a>');
  });

  it('uploads, shows the preview with its errors, and imports the valid rows only when confirmed so', async () => {
    const file = csv(
      'employee_ref,first_name,last_name,organisation_code,roles,start_date',
      'P1,Amira,Khan,WCC,ALL,2024-04-01',
      'P2,Ben,Cole,WCC-CYP,ALL,31/02/2024',
      'P3,"=HYPERLINK(""http://x"",""y"")",Dunn,WCC-CYP,ALL,01/04/2024',
    );
    const uploaded = await t.http().post('/imports/new').field('kind', 'staff').attach('file', file, 'team.csv').expect(303);
    const location = uploaded.headers.location as string;
    expect(location).toMatch(/^\/imports\/\d+$/);
    expect(await staffCount()).toBe(0);

    const preview = await t.http().get(location).expect(200);
    const text = visibleText(preview.text);
    expect(text).toContain('team.csv');
    expect(text).toContain('Waiting for you to confirm');
    expect(text).toMatch(/People to add 2/);
    expect(text).toMatch(/Rows with errors 1/);
    expect(text).toContain('3 start_date 31/02/2024 31/02/2024 is not a real date');
    expect(text).toContain('Import the valid rows only');
    expect(text).not.toContain('Confirm and import');

    await t.http().post(`${location}/confirm`).type('form').send({ validRowsOnly: 'true' }).expect(303);
    const done = visibleText((await t.http().get(location).expect(200)).text);
    expect(done).toContain('Import complete: the valid rows only were imported');
    expect(done).toMatch(/People added 2/);
    expect(await staffCount()).toBe(2);

    const list = visibleText((await t.http().get('/imports').expect(200)).text);
    expect(list).toContain('team.csv');
    expect(list).toContain('Imported');
    expect(list).toContain('1 error (CSV)');
  });

  it('asks which columns hold what when headers are not recognised, then checks the file again', async () => {
    const file = csv('Payroll No,First Name,Last Name,Organisation Code,Started', 'M1,Mo,Map,WCC,2024-01-01');
    const uploaded = await t.http().post('/imports/new').field('kind', 'staff').attach('file', file, 'payroll.csv').expect(303);
    const location = uploaded.headers.location as string;
    const preview = visibleText((await t.http().get(location).expect(200)).text);
    expect(preview).toContain('Match the columns');
    expect(preview).toContain('Your column “Payroll No”');
    expect(preview).toContain('Your column “Started”');

    // A column that is not one of ours is refused on the import's own page, in its error summary.
    const refused = await t.http().post(`${location}/mapping`).type('form').send({ 'map-0': 'payroll', 'map-1': 'start_date' }).expect(400);
    expect(refused.text).toContain('govuk-error-summary');
    expect(visibleText(refused.text)).toMatch(/There is a problem Payroll is not a column of a staff import/);
    expect(visibleText(refused.text)).toContain('Match the columns');
    await t.http().post(`${location}/mapping`).type('form').send({ 'map-0': 'employee_ref', 'map-1': 'start_date' }).expect(303);
    const mapped = visibleText((await t.http().get(location).expect(200)).text);
    expect(mapped).not.toContain('Match the columns');
    expect(mapped).toMatch(/People to add 1/);
    expect(mapped).toContain('Confirm and import');

    await t.http().post(`${location}/cancel`).type('form').send({}).expect(303);
    expect(visibleText((await t.http().get(location).expect(200)).text)).toContain('Cancelled');
  });

  it('edits the course names table', async () => {
    const page = visibleText((await t.http().get('/imports/course-mappings').expect(200)).text);
    expect(page).toContain('Prevent awareness e-learning L1');

    const missing = visibleText((await t.http().post('/imports/course-mappings').type('form').send({ courseName: '', levelCode: '' }).expect(422)).text);
    expect(missing).toContain('Enter the course name as the learning platform writes it');
    expect(missing).toContain('Choose the level the course counts as');
    const long = await t.http().post('/imports/course-mappings').type('form').send({ courseName: 'x'.repeat(201), levelCode: 'L1' }).expect(422);
    expect(long.text).toContain('<a href="#courseName">Course name must be 200 characters or fewer</a>');

    await t.http().post('/imports/course-mappings').type('form').send({ courseName: 'Channel awareness', levelCode: 'L1' }).expect(303);
    const added = (await t.http().get('/imports/course-mappings?done=added').expect(200)).text;
    expect(visibleText(added)).toContain('Channel awareness L1');
    const twice = visibleText((await t.http().post('/imports/course-mappings').type('form').send({ courseName: 'channel AWARENESS', levelCode: 'L2' }).expect(409)).text);
    expect(twice).toContain('already has a level');
    const unknownLevel = await t.http().post('/imports/course-mappings').type('form').send({ courseName: 'Another course', levelCode: 'L9' }).expect(422);
    expect(unknownLevel.text).toContain('<a href="#levelCode">No level with code L9</a>');

    const id = (await t.http().get('/api/imports/course-mappings').expect(200)).body.find((m: { courseName: string }) => m.courseName === 'Channel awareness').id;
    await t.http().post(`/imports/course-mappings/${id}/delete`).type('form').send({}).expect(303);
    expect(visibleText((await t.http().get('/imports/course-mappings').expect(200)).text)).not.toContain('Channel awareness');
  });

  describe('real exports', () => {
    beforeAll(async () => {
      await organisation(t.http(), 'WCC-ASC', 'WCC', { name: 'Adult Social Care' });
      for (const ref of ['T1', 'T2', 'T3']) await person(t.http(), { employeeRef: ref, organisationCode: 'WCC-ASC' });
      await role(t.http(), 'FRONTLINE');
    });

    const totara = () =>
      csv(
        '"Report: Prevent course completions"',
        '"Filters: none"',
        '"User\'s Fullname","User ID Number","Course Name","Completion Status","Date Completed"',
        '"Tess One","T1","WRAP","Complete","12 Jun 2025"',
        '"Tess Two","T2","WRAP","In progress",""',
      );

    it('says which row the headers came from, what was left out, and lets another row be chosen', async () => {
      const uploaded = await t.http().post('/imports/new').field('kind', 'completions').attach('file', totara(), 'totara.csv').expect(303);
      const location = uploaded.headers.location as string;
      const preview = (await t.http().get(location).expect(200)).text;
      const text = visibleText(preview);
      expect(text).toContain('The column headers were taken from row 3. Rows 1 and 2 above them were passed over (a report title or filters).');
      expect(text).toContain('The file looks like a Totara report builder export');
      expect(text).toMatch(/Completions to add 1/);
      expect(text).toMatch(/Left out: not completions \(not started, in progress\) 1/);
      expect(preview).toContain('<option value="1">Row 1: Report: Prevent course completions</option>');

      await t.http().post(`${location}/mapping`).type('form').send({ headerRow: '1' }).expect(303);
      const chosen = visibleText((await t.http().get(location).expect(200)).text);
      expect(chosen).toContain('The column headers were taken from row 1, as you chose.');
      expect(chosen).toContain('Match the columns');
      await t.http().post(`${location}/cancel`).type('form').send({}).expect(303);
    });

    it('takes the course of a one-course file and the date of a staff list from the upload form, explaining a bad date at the field', async () => {
      const moodle = csv('First name,Surname,ID number,Course complete', 'Tess,Three,T3,"Tuesday, 3 March 2026, 2:05 PM"');
      const uploaded = await t.http().post('/imports/new').field('kind', 'completions').field('course', 'WRAP').attach('file', moodle, 'wrap.csv').expect(303);
      const preview = visibleText((await t.http().get(uploaded.headers.location as string).expect(200)).text);
      expect(preview).toContain('Every row without a course of its own counts as WRAP.');
      expect(preview).toMatch(/Completions to add 1/);

      const form = (await t.http().get('/imports/new').expect(200)).text;
      expect(form).toContain('<option value="WRAP">WRAP (L2)</option>');
      expect(form).toContain('<option value="level:L1">');

      const bad = await t.http().post('/imports/new').field('kind', 'staff').field('extractDate', '31/02/2026').attach('file', csv('employee_ref'), 'staff.csv').expect(422);
      const page = visibleText(bad.text);
      expect(page).toContain('There is a problem');
      expect(bad.text).toContain('id="extractDate-error"');
      expect(page).toContain('Enter the date of the extract as a date, for example 3 March 2026 or 03/03/2026');
      expect(bad.text).toContain('value="31/02/2026"');
      const future = await t.http().post('/imports/new').field('kind', 'staff').field('extractDate', '1/1/2999').attach('file', csv('employee_ref'), 'staff.csv').expect(422);
      expect(future.text).toContain('<a href="#extractDate">The date of the extract must be today or in the past</a>');
      // The date is only read for a staff list.
      const ignored = await t.http().post('/imports/new').field('kind', 'completions').field('course', 'WRAP').field('extractDate', 'not a date').attach('file', moodle, 'wrap-again.csv').expect(303);
      await t.http().post(`${ignored.headers.location}/cancel`).type('form').send({}).expect(303);
    });

    it('answers a header-only file with the reason at the file field, and keeps nothing', async () => {
      const before = await staffCount();
      const res = await t.http().post('/imports/new').field('kind', 'staff').attach('file', csv('employee_ref,first_name,last_name,organisation_code,start_date'), 'empty.csv').expect(422);
      expect(res.text).toContain('id="file-error"');
      expect(visibleText(res.text)).toContain('The file has column headers (row 1) but no rows below them: there is nothing to import');
      expect(await staffCount()).toBe(before);
    });

    it('links organisation names, shows the roles people would get from the rules, and warns of lost leading zeros', async () => {
      const empty = visibleText((await t.http().post('/imports/role-rules').type('form').send({ field: '', operator: '', value: '', roleCode: '' }).expect(422)).text);
      expect(empty).toContain('Choose the column the rule reads');
      expect(empty).toContain('Enter the value to look for, for example Social Worker');
      expect(empty).toContain('Choose how the value is compared');
      expect(empty).toContain('Choose the role the rule gives or takes away');
      const noRole = await t.http().post('/imports/role-rules').type('form').send({ field: 'job_title', operator: 'contains', value: 'wizard', roleCode: 'WIZARD' }).expect(422);
      expect(noRole.text).toContain('<a href="#roleCode">No role with code WIZARD</a>');
      expect(noRole.text).not.toContain('rules.');
      await t.http().post('/imports/role-rules').type('form').send({ field: 'job_title', operator: 'contains', value: 'social worker', roleCode: 'FRONTLINE', effect: 'add' }).expect(303);
      const rules = visibleText((await t.http().get('/imports/role-rules?done=added').expect(200)).text);
      expect(rules).toContain('Job title contains “social worker” gives the role FRONTLINE');

      await person(t.http(), { employeeRef: '000777', organisationCode: 'WCC-ASC' });
      const file = csv(
        'Employee Number,First Name,Last Name,Organisation,Job Role,Latest Start Date',
        'E1,Sol,Worker,Children and Families,Senior Social Worker,12-JUN-2023',
        '777,Zed,Zero,Adult Social Care,Administrator,12-JUN-2023',
      );
      const uploaded = await t.http().post('/imports/new').field('kind', 'staff').attach('file', file, 'esr.csv').expect(303);
      const location = uploaded.headers.location as string;
      const first = visibleText((await t.http().get(location).expect(200)).text);
      expect(first).toContain('Link the organisation names');
      expect(first).toContain('“Children and Families” in the file is');
      expect(first).toContain('lost its leading zeros (for example 777 on row 3 for 000777)');

      await t.http().post(`${location}/mapping`).type('form').send({ 'orgname-0': 'WCC-CYP' }).expect(303);
      const linked = visibleText((await t.http().get(location).expect(200)).text);
      expect(linked).not.toContain('Link the organisation names');
      expect(linked).toMatch(/People to add 2/);
      expect(linked).toContain('2 Sol Worker (E1) New person FRONTLINE');

      await t.http().post(`${location}/confirm`).type('form').send({}).expect(303);
      const applied = await t.http().post('/imports/role-rules/apply').type('form').send({}).expect(303);
      expect(visibleText((await t.http().get(applied.headers.location as string).expect(200)).text)).toMatch(/Rules applied to \d+ people: 0 had their roles changed/);
    });
  });

  it('is not shown to managers', async () => {
    const manager = await t.as('manager', 'WCC');
    await manager.get('/imports').expect(403);
  });
});
