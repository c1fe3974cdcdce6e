import { sql } from '../src/database/sql';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, role } from './support/builders';

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
    const res = await t.http().post('/imports/new').field('kind', '').expect(400);
    const text = visibleText(res.text);
    expect(text).toContain('There is a problem');
    expect(text).toContain('Choose what the file holds');
    expect(text).toContain('Choose a CSV or Excel file');
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

    const missing = visibleText((await t.http().post('/imports/course-mappings').type('form').send({ courseName: '', levelCode: '' }).expect(400)).text);
    expect(missing).toContain('Enter the course name as the learning platform writes it');

    await t.http().post('/imports/course-mappings').type('form').send({ courseName: 'Channel awareness', levelCode: 'L1' }).expect(303);
    const added = (await t.http().get('/imports/course-mappings?done=added').expect(200)).text;
    expect(visibleText(added)).toContain('Channel awareness L1');
    const twice = visibleText((await t.http().post('/imports/course-mappings').type('form').send({ courseName: 'channel AWARENESS', levelCode: 'L2' }).expect(409)).text);
    expect(twice).toContain('already has a level');

    const id = (await t.http().get('/api/imports/course-mappings').expect(200)).body.find((m: { courseName: string }) => m.courseName === 'Channel awareness').id;
    await t.http().post(`/imports/course-mappings/${id}/delete`).type('form').send({}).expect(303);
    expect(visibleText((await t.http().get('/imports/course-mappings').expect(200)).text)).not.toContain('Channel awareness');
  });

  it('is not shown to managers', async () => {
    const manager = await t.as('manager', 'WCC');
    await manager.get('/imports').expect(403);
  });
});
